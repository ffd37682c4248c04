/**
 * Photo evidence rules (pure): which images a message carries, what kind of
 * image some bytes are, where a photo belongs, and what one batch's answer says.
 */

/** at most this many photos per report or order */
export const MAX_PHOTOS_PER_SUBJECT = 9;
/**
 * Feishu's own limit for an uploaded message image (im/v1/images: "不超过 10 MB"), so every stored photo can be
 * shown in a card. The page does not say whether MB is 10^6 or 2^20 bytes: the stricter 10,000,000 is taken.
 */
export const MAX_PHOTO_BYTES = 10_000_000;
/** photos sent this long after a report or rectification report attach to it */
export const ATTACH_WINDOW_MS = 30 * 60 * 1000;
/** held photos (no report chosen yet) are kept this long */
export const HELD_TTL_MS = 24 * 60 * 60 * 1000;
/** a photo batch is answered once no further photo of the sender arrived for this long */
export const DEFAULT_BATCH_QUIET_MS = 4_000;
/** at most this many images taken from one post message */
export const MAX_IMAGES_PER_MESSAGE = MAX_PHOTOS_PER_SUBJECT;

export type SubjectKind = "report" | "order";
export interface Subject {
  kind: SubjectKind;
  id: number;
}

export type Refusal = "too_large" | "limit" | "not_image" | "duplicate" | "download_failed";

const IMAGE_KEY = /^[\w-]{1,200}$/;

/**
 * The image keys of an `image` message (`{"image_key"}`) or of a `post` (rich text: `{"title","content":[[{tag:"img",image_key}…]…]}`,
 * or the same per locale, `{"zh_cn":{…}}`), in order, without repeats.
 */
export function imageKeysOf(messageType: string, content: unknown): string[] {
  const keys: string[] = [];
  const add = (key: unknown) => {
    if (typeof key === "string" && IMAGE_KEY.test(key) && !keys.includes(key)) keys.push(key);
  };
  if (messageType === "image") add((content as { image_key?: unknown } | null)?.image_key);
  if (messageType === "post" && content && typeof content === "object") {
    const bodies = "content" in content ? [content] : Object.values(content as Record<string, unknown>);
    for (const body of bodies) {
      const rows = (body as { content?: unknown } | null)?.content;
      if (!Array.isArray(rows)) continue;
      for (const row of rows) {
        if (!Array.isArray(row)) continue;
        for (const element of row) if ((element as { tag?: unknown })?.tag === "img") add((element as { image_key?: unknown }).image_key);
      }
    }
  }
  return keys.slice(0, MAX_IMAGES_PER_MESSAGE);
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) => signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The image type by its first bytes (formats Feishu's image upload accepts), or null if not an image. */
export function imageTypeOf(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (ascii(bytes, 0, 2) === "BM") return "image/bmp";
  if (ascii(bytes, 4, 8) === "ftyp" && /^(heic|heix|hevc|mif1|msf1|avif)$/.test(ascii(bytes, 8, 12))) return "image/heic";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "image/tiff";
  return null;
}

/** The report or rectification report this person submitted last, if within the window before `nowMs`. */
export function recentSubject(candidates: readonly (Subject & { at: number })[], nowMs: number): Subject | null {
  const recent = candidates.filter((c) => c.at <= nowMs && nowMs - c.at <= ATTACH_WINDOW_MS).sort((a, b) => b.at - a.at);
  return recent[0] ? { kind: recent[0].kind, id: recent[0].id } : null;
}

export const subjectKey = (subject: Subject) => `${subject.kind}:${subject.id}`;
export const heldKey = (personCode: string) => `held:${personCode}`;

/**
 * Held photos moved to a subject: in order, the first ones up to the limit, except
 * those whose bytes the subject already has (or that repeat within the batch).
 */
export function planAttach(
  held: readonly { id: number; sha256: string }[],
  existing: { count: number; sha256s: readonly string[] },
): { attach: number[]; refused: { id: number; refusal: "duplicate" | "limit" }[] } {
  const seen = new Set(existing.sha256s);
  let room = Math.max(0, MAX_PHOTOS_PER_SUBJECT - existing.count);
  const attach: number[] = [];
  const refused: { id: number; refusal: "duplicate" | "limit" }[] = [];
  for (const photo of held) {
    if (seen.has(photo.sha256)) refused.push({ id: photo.id, refusal: "duplicate" });
    else if (room === 0) refused.push({ id: photo.id, refusal: "limit" });
    else {
      attach.push(photo.id);
      seen.add(photo.sha256);
      room--;
    }
  }
  return { attach, refused };
}

/** What one batch of a sender's photos came to, per place: how many attached or held, and refusals by reason. */
export interface BatchGroup {
  place: Subject | "held";
  added: number;
  refused: Partial<Record<Refusal, number>>;
}

export function summarizeBatch(rows: readonly { subjectKind: string; subjectId: number | null; state: string; refusal: string | null }[]): BatchGroup[] {
  const groups = new Map<string, BatchGroup>();
  for (const row of rows) {
    const place: Subject | "held" = row.subjectKind === "held" || row.subjectId === null ? "held" : { kind: row.subjectKind as SubjectKind, id: row.subjectId };
    const key = place === "held" ? "held" : subjectKey(place);
    const group = groups.get(key) ?? { place, added: 0, refused: {} };
    if (row.state === "refused") {
      const reason = (row.refusal ?? "download_failed") as Refusal;
      group.refused[reason] = (group.refused[reason] ?? 0) + 1;
    } else group.added++;
    groups.set(key, group);
  }
  return [...groups.values()];
}
