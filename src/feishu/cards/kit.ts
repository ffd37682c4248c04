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

/** A button whose click arrives as `card.action.trigger` with `action.value = value`. */
export function button(options: {
  text: string;
  value: Record<string, unknown>;
  type?: "default" | "primary" | "danger" | "primary_filled" | "danger_filled" | "text";
  name?: string;
  formAction?: "submit" | "reset";
}): CardElement {
  return {
    tag: "button",
    text: plainText(options.text),
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

const MARKDOWN_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "&#42;", _: "&#95;", "~": "&#126;", "[": "&#91;", "]": "&#93;", "`": "&#96;" };

/**
 * Escapes text a user typed so it cannot add formatting, links, mentions or
 * tags (`<at>`, `<font>`) to a card: Feishu's card markdown takes HTML entities.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[&<>*_~[\]`]/g, (c) => MARKDOWN_ENTITIES[c]!);
}

export const textContent = (text: string) => ({ text });
