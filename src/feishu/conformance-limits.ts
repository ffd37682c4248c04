/**
 * Feishu's hard limits on a card message and the codes it answers with (conformance.ts has the sources,
 * [结构] [发送] [输入框]), and how a card's size is measured against them. Pure.
 */

/** "一张卡片最多支持 200 个元素（如 tag 为 plain_text 的文本元素）或组件" [结构] */
export const MAX_CARD_ELEMENTS = 200;
/**
 * "卡片消息、富文本消息请求体最大不能超过 30 KB" [发送] (also for reply, PATCH and
 * the delayed update). The documents do not say whether KB is 1,000 or 1,024
 * bytes: the stricter 30,000 bytes is enforced, measured on the request body as
 * sent (the card travels as a JSON string inside it).
 */
export const MAX_CARD_BODY_BYTES = 30_000;
/** "文本消息请求体最大不能超过 150 KB" [发送]: the stricter 150,000 bytes, measured on the body as sent */
export const MAX_TEXT_BODY_BYTES = 150_000;
/** "uuid … 最大长度 50 字符" [发送] */
export const MAX_UUID_CHARS = 50;
/** "max_length … 可取 1~1,000 范围内的整数" [输入框] */
export const MAX_INPUT_LENGTH = 1_000;

/** Send-message errors as documented [发送]: HTTP 400 with these codes. */
export const FEISHU_CODES = {
  /** "The length of the message content reaches its limit" */
  tooLong: 230025,
  /** a request field out of its documented range ("field validation failed") */
  badField: 99992402,
  /** "Failed to create card content"; the sub-code (ErrCode) is in the message */
  cardContent: 230099,
} as const;
/** sub-codes of 230099 [发送, "230099 子错误码"] */
export const CARD_ERR = {
  /** "element exceeds the limit": over 200 elements or components */
  elementLimit: 11310,
  /** "parse card json err, please check whether the card json is correct" */
  badJson: 200621,
  /** "cards of schema V2 no longer support this capability; unsupported tag" */
  unsupportedTag: 200861,
} as const;

export interface Violation {
  /** the Open Platform's `code` (230099, 230025) */
  code: number;
  /** the sub-code (ErrCode) of a 230099, when there is one */
  errCode?: number;
  /** where, as Feishu's ErrPath reads: ROOT -> body -> elements -> [2](tag: form) */
  path: string;
  message: string;
}

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every tagged object of a card: components and text elements (`plain_text`,
 * `lark_md`) alike, header included [结构]. Callback values, table rows and
 * chart specs are data, not elements.
 */
export function countCardElements(card: unknown): number {
  let count = 0;
  const walk = (node: unknown, key: string | null) => {
    if (key === "behaviors" || key === "rows" || key === "chart_spec" || key === "value") return;
    if (Array.isArray(node)) return node.forEach((item) => walk(item, null));
    if (!isObject(node)) return;
    if (typeof node.tag === "string") count++;
    for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(card, null);
  return count;
}

/** The bytes of a send request body carrying `card` (what Feishu measures [发送]), with the longest receive_id and uuid we use. */
export function cardMessageBodyBytes(card: unknown): number {
  const body = { receive_id: "ou_".padEnd(64, "x"), msg_type: "interactive", content: JSON.stringify(card), uuid: "u".repeat(50) };
  return new TextEncoder().encode(JSON.stringify(body)).length;
}

/** Does `card` fit real Feishu with room to spare (`budgetBytes` for the body)? */
export function cardFits(card: unknown, budgetBytes = MAX_CARD_BODY_BYTES): boolean {
  return cardMessageBodyBytes(card) <= budgetBytes && countCardElements(card) <= MAX_CARD_ELEMENTS;
}
