/**
 * Pure parsing and matching of chat commands: leading "/" optional, Chinese
 * or English names, mention keys stripped, full-width characters and extra
 * spaces tolerated.
 */

export interface ParsedCommand {
  /** the command word, normalised (NFKC, lower case) */
  name: string;
  /** the rest of the text after the command word: full-width letters and digits made plain, spaces collapsed, punctuation as typed */
  args: string;
  argv: string[];
}

const SPACES = /[\s\u3000]+/g;
const FULL_WIDTH_ALPHANUMERIC = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;

/**
 * Full-width letters and digits become plain ones and every run of spaces one
 * space. Punctuation is kept as typed: "，" and "（）" belong in an order's text.
 */
export function normalizeText(text: string): string {
  return text
    .replace(FULL_WIDTH_ALPHANUMERIC, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(SPACES, " ")
    .trim();
}

export function stripMentions(text: string, mentionKeys: readonly string[]): string {
  let result = text;
  for (const key of mentionKeys) result = result.split(key).join(" ");
  return result.replace(/@_user_\d+/g, " ");
}

export function parseCommand(text: string, mentionKeys: readonly string[] = []): ParsedCommand | null {
  const cleaned = normalizeText(stripMentions(text, mentionKeys)).replace(/^[/／]\s*/, "");
  if (!cleaned) return null;
  const [head = "", ...rest] = cleaned.split(" ");
  return { name: head.normalize("NFKC").toLowerCase(), args: rest.join(" "), argv: rest };
}

export function levenshtein(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest known name, if it is close enough to be a likely typo. */
export function closestName(input: string, names: readonly string[]): string | null {
  let best: { name: string; distance: number } | null = null;
  for (const name of names) {
    if (name.length < 2) continue;
    const prefix = input.length >= 2 && (name.startsWith(input) || input.startsWith(name));
    const distance = prefix ? 0.5 : levenshtein(input, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return null;
  const tolerance = Math.max(1, Math.ceil(Math.max(input.length, best.name.length) / 3));
  return best.distance <= tolerance ? best.name : null;
}
