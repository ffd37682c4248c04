/** A terminal rendering of a bot message: a text's text, or a card's title, markdown and buttons. */
export function renderMessageText(content: unknown): string {
  if (content && typeof content === "object" && "text" in content && typeof (content as { text: unknown }).text === "string") {
    return (content as { text: string }).text;
  }
  if (content && typeof content === "object" && "file_key" in content) return `[file ${(content as { file_key: string }).file_key}]`;
  const lines: string[] = [];
  const card = content as { header?: { title?: { content?: string } }; body?: { elements?: unknown[] }; elements?: unknown[] };
  if (card?.header?.title?.content) lines.push(`【${card.header.title.content}】`);
  const buttons: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const element = node as Record<string, unknown>;
    if (element.tag === "markdown" && typeof element.content === "string") lines.push(element.content);
    else if (element.tag === "button") buttons.push(`[${(element.text as { content?: string })?.content ?? "button"}]`);
    else if (element.tag === "div" && element.text) lines.push(String((element.text as { content?: string }).content ?? ""));
    else if (element.tag === "input" || element.tag === "select_static" || element.tag === "date_picker" || element.tag === "multi_select_static") {
      lines.push(`  ▢ ${(element.label as { content?: string })?.content ?? (element.placeholder as { content?: string })?.content ?? element.name}`);
    }
    for (const key of ["elements", "columns", "body"]) if (key in element) walk(element[key]);
  };
  walk(card?.body?.elements ?? card?.elements ?? []);
  if (buttons.length) lines.push(buttons.join(" "));
  return lines.join("\n")
    .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
