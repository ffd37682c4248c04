/** Small pure builders for Card JSON 2.0 (see ../shared/docs/feishu.md, "Card JSON 2.0"). */

export type CardElement = Record<string, unknown>;
export type HeaderTemplate = "blue" | "wathet" | "turquoise" | "green" | "yellow" | "orange" | "red" | "carmine" | "violet" | "purple" | "indigo" | "grey";

export interface Card {
  schema: "2.0";
  config: { update_multi: boolean; width_mode?: "fill" | "default" };
  header?: { title: { tag: "plain_text"; content: string }; subtitle?: { tag: "plain_text"; content: string }; template: HeaderTemplate };
  body: { elements: CardElement[] };
}

export function card(options: { title: string; subtitle?: string; template?: HeaderTemplate; elements: CardElement[] }): Card {
  return {
    schema: "2.0",
    config: { update_multi: true, width_mode: "fill" },
    header: {
      title: { tag: "plain_text", content: options.title },
      ...(options.subtitle ? { subtitle: { tag: "plain_text" as const, content: options.subtitle } } : {}),
      template: options.template ?? "blue",
    },
    body: { elements: options.elements },
  };
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+\.)\s/;

/**
 * A line right after a list item continues that item in Feishu's markdown unless a blank line comes first
 * (富文本（Markdown）: lists): one is put before every non-list line that follows a list item.
 */
export function separateLists(content: string): string {
  const lines = content.split("\n");
  const out: string[] = [];
  lines.forEach((line, i) => {
    // an indented line is meant as the item's continuation and stays
    if (i > 0 && LIST_ITEM.test(lines[i - 1]!) && /^\S/.test(line) && !LIST_ITEM.test(line)) out.push("");
    out.push(line);
  });
  return out.join("\n");
}

export const markdown = (content: string): CardElement => ({ tag: "markdown", content: separateLists(content) });

export const divider = (): CardElement => ({ tag: "hr" });

export const plainText = (content: string) => ({ tag: "plain_text" as const, content });

/** Feishu shows at most this many characters of a button's text (按钮: "最多支持 100 个字符"). */
export const MAX_BUTTON_TEXT = 100;

/** `text` cut to `max` characters (code points), ending in "…" when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** A button whose click arrives as `card.action.trigger` with `action.value = value`; its text is cut to Feishu's 100 characters. */
export function button(options: {
  text: string;
  value: Record<string, unknown>;
  type?: "default" | "primary" | "danger" | "primary_filled" | "danger_filled" | "text";
  name?: string;
  formAction?: "submit" | "reset";
}): CardElement {
  return {
    tag: "button",
    text: plainText(clip(options.text, MAX_BUTTON_TEXT)),
    type: options.type ?? "default",
    ...(options.name ? { name: options.name } : {}),
    ...(options.formAction ? { form_action_type: options.formAction } : {}),
    behaviors: [{ type: "callback", value: options.value }],
  };
}

export const columns = (columnsElements: CardElement[][]): CardElement => ({
  tag: "column_set",
  flex_mode: "flow",
  columns: columnsElements.map((elements) => ({ tag: "column", width: "auto", elements })),
});

/** Feishu's card-markdown special characters (富文本 Markdown 特殊字符转义), each as an HTML entity the card decodes. */
const MARKDOWN_SPECIAL = /[\\*_~`#\-+!():"'$[\]<>&|{}=]/g;
const MARKDOWN_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes user or roster text for a card's markdown so it cannot add formatting, links, mentions,
 * tags (`<at>`, `<font>`), headings (`#`, or a `===` / `---` line under text), lists, quotes or code
 * blocks (a 4-space indent): every special character becomes an entity, an ordered-list marker (`1.`)
 * at a line start loses its dot, and blanks at a line start become entities.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ENTITIES[c] ?? `&#${c.charCodeAt(0)};`)
      .replace(/^(\s*\d+)\./gm, "$1&#46;")
      // four spaces (or a tab) at a line start make a code block: leading blanks become entities, which do not indent
      .replace(/^[ \t]+/gm, (blanks) => blanks.replace(/ /g, "&#32;").replace(/\t/g, "&#9;"))
  );
}

/** Tags a Feishu `text` message turns into something (`<at user_id="all">` is a real @all), and markdown-style links. */
const TEXT_MARKUP_TAG = /<(?=\/?\s*(?:at|b|i|u|s|a|br|p|font|lark_md|link|md|img|span|text_tag)\b)/gi;

/**
 * Neutralises text for a plain `text` message: no mention, no style tag, no bold, no link can come out of it.
 * The tag's `<` becomes a full-width ＜, the first `*` of a `**` a full-width ＊, and a link's `](` loses its
 * bracket; other text is untouched.
 */
export function neutralizeText(text: string): string {
  // a text message renders `**bold**` (发送消息内容结构: 加粗 `**文本示例**`): a full-width ＊ breaks the pair
  return text.replace(TEXT_MARKUP_TAG, "＜").replace(/\]\s*\(/g, "］(").replace(/\*(?=\*)/g, "＊");
}

/** A `text` message. Everything in it is neutralised (the bot's own strings carry no markup), so no user or roster text can mention or format. */
export const textContent = (text: string) => ({ text: neutralizeText(text) });
