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

export const markdown = (content: string): CardElement => ({ tag: "markdown", content });

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
const MARKDOWN_SPECIAL = /[\\*_~`#\-+!():"'$[\]<>&|{}]/g;
const MARKDOWN_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes user or roster text for a card's markdown so it cannot add formatting, links, mentions,
 * tags (`<at>`, `<font>`), headings, lists or quotes: every special character becomes an entity, and
 * an ordered-list marker (`1.`) at a line start loses its dot.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (c) => MARKDOWN_ENTITIES[c] ?? `&#${c.charCodeAt(0)};`).replace(/^(\s*\d+)\./gm, "$1&#46;");
}

/** Tags a Feishu `text` message turns into something (`<at user_id="all">` is a real @all), and markdown-style links. */
const TEXT_MARKUP_TAG = /<(?=\/?\s*(?:at|b|i|u|s|a|br|p|font|lark_md|link|md|img|span|text_tag)\b)/gi;

/**
 * Neutralises text for a plain `text` message: no mention, no style tag, no link can come out of it.
 * The tag's `<` becomes a full-width ＜ and a link's `](` loses its bracket; other text is untouched.
 */
export function neutralizeText(text: string): string {
  return text.replace(TEXT_MARKUP_TAG, "＜").replace(/\]\s*\(/g, "］(");
}

/** A `text` message. Everything in it is neutralised (the bot's own strings carry no markup), so no user or roster text can mention or format. */
export const textContent = (text: string) => ({ text: neutralizeText(text) });
