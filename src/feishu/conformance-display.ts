/**
 * What Feishu shows of a card's text, beyond what it refuses: markdown it hides or joins, a subtitle a phone
 * cuts. Feishu accepts such a card; the words are lost to the reader. Pure.
 */
import { isObject } from "./conformance-limits.ts";

/**
 * Tags card markdown renders (富文本（Markdown）: `<at>`, `<font>`, `<text_tag>`, `<link>`, `<a>`, `<br>`, and
 * the inline components the page lists); any other `<…>` is taken for a tag and its text is not shown
 * (常见问题: "<xxx> 格式的文本不显示"). Feishu does not refuse such a card: the words silently vanish.
 */
const RENDERED_TAGS = /^<\/?(?:at|font|text_tag|link|a|br|hr|person|local_datetime|number_tag|img|u|i|b|s|strong|em|del|code)(?=[\s>/])/i;

/** The `<…>` snippets in a card's markdown that Feishu would not display (e.g. `<number>` in "show <number>"). */
export function hiddenMarkdownText(card: unknown): string[] {
  const hidden: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    if ((node.tag === "markdown" || node.tag === "lark_md") && typeof node.content === "string") {
      // inside `code` the text is shown as typed
      const outsideCode = node.content.replace(/`[^`\n]*`/g, "");
      for (const match of outsideCode.matchAll(/<[^<>\s][^<>\n]*>/g)) if (!RENDERED_TAGS.test(match[0])) hidden.push(match[0]);
    }
    Object.values(node).forEach(walk);
  };
  walk(card);
  return hidden;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+\.)\s/;

/**
 * Lines of a card's markdown that Feishu would join to the list item above them: a line right after a list
 * item continues it unless a blank line comes first (富文本（Markdown）: lists). Returns each such line.
 */
export function listRunOns(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    if ((node.tag === "markdown" || node.tag === "lark_md") && typeof node.content === "string") {
      const lines = node.content.split("\n");
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!;
        if (LIST_ITEM.test(lines[i - 1]!) && /^\S/.test(line) && !LIST_ITEM.test(line)) found.push(line);
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(card);
  return found;
}

/**
 * A header subtitle is one line: on a phone a longer one is cut (标题组件: the subtitle does not wrap). About
 * 20 Chinese characters fit a phone's header; counted as width, a CJK or full-width character 2 and others 1.
 */
export const MAX_SUBTITLE_WIDTH = 40;

export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(c) ? 2 : 1;
  return width;
}

/** The card's subtitle when it would not fit one line of a phone's header; null when it fits or there is none. */
export function longSubtitle(card: unknown): string | null {
  const subtitle = isObject(card) && isObject(card.header) && isObject(card.header.subtitle) ? card.header.subtitle.content : undefined;
  return typeof subtitle === "string" && displayWidth(subtitle) > MAX_SUBTITLE_WIDTH ? subtitle : null;
}
