/**
 * What real Feishu refuses in a Card JSON 2.0 card and in a card message's
 * request body, checked the way the Open Platform checks it. Pure (no I/O):
 * used by the test fake, the simulator and the unit test over every card
 * builder, and by the builders themselves to fit their cards.
 *
 * Documents (Feishu Open Platform, 飞书卡片 / 服务端 API):
 *   [结构]   卡片 JSON 2.0 结构 (feishu-cards/card-json-v2-structure)
 *   [更新]   卡片 JSON 2.0 版本更新说明 (card-json-v2-breaking-changes-release-notes)
 *   [发送]   发送消息 (im-v1/message/create), 回复消息 (…/reply), 编辑消息, 更新已发送的消息卡片 (…/patch)
 *   [组件名] each component's page under 卡片 JSON 2.0 版本组件, e.g. [输入框], [按钮], [表单容器]
 * Only the tags and attributes this code uses, or that sit next to them on the
 * same page, are listed: anything else is refused, because "在 JSON 2.0 版本中，
 * 传入不支持的属性将报错" [更新].
 */

import { CARD_ERR, countCardElements, FEISHU_CODES, isObject, MAX_CARD_BODY_BYTES, MAX_CARD_ELEMENTS, MAX_TEXT_BODY_BYTES, MAX_UUID_CHARS, type Violation } from "./conformance-limits.ts";
import { ATTRIBUTES, checkComponent, checkHeader, CONTAINERS, containsSubmit, FORM_ACTIONS, FORM_FIELDS, REMOVED_IN_V2, WIDTH_MODES } from "./conformance-components.ts";

export {
  CARD_ERR,
  cardFits,
  cardMessageBodyBytes,
  countCardElements,
  FEISHU_CODES,
  MAX_CARD_BODY_BYTES,
  MAX_CARD_ELEMENTS,
  MAX_INPUT_LENGTH,
  MAX_TEXT_BODY_BYTES,
  MAX_UUID_CHARS,
} from "./conformance-limits.ts";
export type { Violation } from "./conformance-limits.ts";
export { displayWidth, hiddenMarkdownText, listRunOns, longSubtitle, MAX_SUBTITLE_WIDTH } from "./conformance-display.ts";

/** The violations real Feishu would answer for this card, first one first. */
export function checkCard(card: unknown): Violation[] {
  const violations: Violation[] = [];
  const bad = (path: string, message: string, errCode: number = CARD_ERR.badJson) => violations.push({ code: FEISHU_CODES.cardContent, errCode, path, message });
  if (!isObject(card)) {
    bad("ROOT", "the card is not a JSON object");
    return violations;
  }
  // [结构] a 2.0 card declares schema "2.0"; the rest of this module is about 2.0
  if (card.schema !== "2.0") bad("ROOT -> schema", `schema must be "2.0" (got ${JSON.stringify(card.schema)})`);
  for (const key of Object.keys(card)) if (!["schema", "config", "card_link", "header", "body"].includes(key)) bad(`ROOT -> ${key}`, `unsupported attribute ${key}`);
  if (card.config !== undefined) {
    if (!isObject(card.config)) bad("ROOT -> config", "config must be an object");
    else {
      // [结构] "JSON 2.0 暂时仅支持设为 true"
      if (card.config.update_multi !== undefined && card.config.update_multi !== true) bad("ROOT -> config -> update_multi", "update_multi can only be true in JSON 2.0");
      if (card.config.width_mode !== undefined && !WIDTH_MODES.has(card.config.width_mode as string)) bad("ROOT -> config -> width_mode", `width_mode ${JSON.stringify(card.config.width_mode)}`);
      for (const key of Object.keys(card.config))
        if (!["streaming_mode", "streaming_config", "summary", "locales", "enable_forward", "update_multi", "width_mode", "use_custom_translation", "enable_forward_interaction", "style"].includes(key))
          bad(`ROOT -> config -> ${key}`, `unsupported attribute ${key}`);
    }
  }
  if (card.header !== undefined) checkHeader(card.header, bad);
  const body = card.body;
  if (!isObject(body) || !Array.isArray(body.elements)) {
    bad("ROOT -> body", "body.elements must be an array");
    return violations;
  }

  const names = new Map<string, string>();
  const elementIds = new Map<string, string>();
  let tables = 0;
  const walk = (node: unknown, path: string, ctx: { root: boolean; inForm: boolean; depth: number }) => {
    if (!isObject(node) || typeof node.tag !== "string") return bad(path, "an element needs a tag");
    const tag = node.tag;
    const here = `${path}(tag: ${tag})`;
    if (REMOVED_IN_V2.has(tag)) return bad(here, `unsupported tag ${tag}`, CARD_ERR.unsupportedTag);
    const allowed = ATTRIBUTES[tag];
    if (!allowed) return bad(here, `unsupported tag ${tag}`, CARD_ERR.unsupportedTag);
    for (const key of Object.keys(node)) if (!allowed.includes(key)) bad(`${here} -> ${key}`, `unsupported attribute ${key} of ${tag}`);
    checkComponent(node, here, bad);

    // [结构] element_id "最多 20 个字符，以字母开头，仅支持字母、数字、下划线", unique in the card
    if (node.element_id !== undefined) {
      if (typeof node.element_id !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(node.element_id))
        bad(`${here} -> element_id`, `element_id ${JSON.stringify(node.element_id)}: at most 20 letters, digits or _, a letter first`);
      else if (elementIds.has(node.element_id)) bad(`${here} -> element_id`, `element_id ${JSON.stringify(node.element_id)} is not unique in the card (also at ${elementIds.get(node.element_id)})`);
      else elementIds.set(node.element_id, here);
    }
    // [下拉选择-多选] "仅支持在表单容器中使用"
    if (tag === "multi_select_static" && !ctx.inForm) bad(here, "multi_select_static only works inside a form");

    // [表单容器] "表单容器组件不可被内嵌在其它组件内，只可放在卡片根节点下"; "不支持内嵌表格、图表、和表单容器组件"
    if (tag === "form" && !ctx.root) bad(here, "a form must sit at the body's root");
    if (ctx.inForm && (tag === "form" || tag === "table" || tag === "chart")) bad(here, `a form cannot hold a ${tag}`);
    // [表格] "表格组件不可被内嵌在其它组件内，只可放在卡片根节点下"; "单张卡片最多支持放置五个表格组件"
    if (tag === "table") {
      if (!ctx.root) bad(here, "a table must sit at the body's root");
      if (++tables > 5) bad(here, "at most five tables in one card");
    }
    // [表单容器] every form component needs a name, unique in the whole card
    if (ctx.inForm && FORM_FIELDS.has(tag)) {
      if (typeof node.name !== "string" || !node.name) bad(here, `${tag} in a form needs a name`);
    }
    if (typeof node.name === "string" && tag !== "column") {
      if (names.has(node.name)) bad(`${here} -> name`, `name ${JSON.stringify(node.name)} is not unique in the card (also at ${names.get(node.name)})`);
      else names.set(node.name, here);
    }
    // [表单容器] "required … 当组件内嵌在表单容器中时，该属性可用。其它情况将报错或不生效"
    if (!ctx.inForm && node.required !== undefined) bad(`${here} -> required`, "required only works inside a form");
    if (!ctx.inForm && node.form_action_type !== undefined) bad(`${here} -> form_action_type`, "form_action_type only works inside a form");
    if (tag === "button" && ctx.inForm && !FORM_ACTIONS.has(node.form_action_type as string)) bad(`${here} -> form_action_type`, "a button in a form needs form_action_type submit or reset");

    const depth = CONTAINERS.has(tag) && tag !== "column" ? ctx.depth + 1 : ctx.depth;
    // [分栏], [表单容器] "最多支持嵌套五层组件"
    if (depth > 5) bad(here, "containers nest at most five levels");
    const children: [unknown[], string][] = [];
    if (tag === "form" && Array.isArray(node.elements)) children.push([node.elements, `${here} -> elements`]);
    if (tag === "column_set") {
      if (!Array.isArray(node.columns)) bad(here, "a column_set needs columns");
      else
        node.columns.forEach((column, i) => {
          const columnPath = `${here} -> columns -> [${i}]`;
          if (!isObject(column) || column.tag !== "column") return bad(columnPath, "each of columns must be a column");
          walk(column, columnPath, { root: false, inForm: ctx.inForm, depth });
        });
    }
    if (tag === "column" && node.elements !== undefined) {
      if (!Array.isArray(node.elements)) bad(here, "column elements must be an array");
      else children.push([node.elements, `${here} -> elements`]);
    }
    if (tag === "form") {
      if (typeof node.name !== "string" || !node.name) bad(here, "a form needs a name");
      if (!Array.isArray(node.elements)) bad(here, "a form needs elements");
      // [表单容器] "表单容器内必须包含一个用于提交表单的按钮组件"
      else if (!containsSubmit(node.elements)) bad(here, "a form needs a submit button");
    }
    for (const [list, listPath] of children) list.forEach((child, i) => walk(child, `${listPath} -> [${i}]`, { root: false, inForm: ctx.inForm || tag === "form", depth }));
  };
  body.elements.forEach((element, i) => walk(element, `ROOT -> body -> elements -> [${i}]`, { root: true, inForm: false, depth: 0 }));

  const count = countCardElements(card);
  if (count > MAX_CARD_ELEMENTS)
    violations.unshift({ code: FEISHU_CODES.cardContent, errCode: CARD_ERR.elementLimit, path: "ROOT", message: `element exceeds the limit: ${count} elements or components, at most ${MAX_CARD_ELEMENTS}` });
  return violations;
}
/**
 * A send / reply / PATCH request body as Feishu checks it [发送]: the whole
 * body's bytes for a card (`interactive`) message, then the card inside.
 */
export function checkMessageBody(rawBodyBytes: number, body: { msg_type?: unknown; content?: unknown; uuid?: unknown }): Violation[] {
  // [发送] uuid "最大长度 50 字符"
  if (body.uuid !== undefined && (typeof body.uuid !== "string" || body.uuid.length > MAX_UUID_CHARS))
    return [{ code: FEISHU_CODES.badField, path: "ROOT -> uuid", message: `uuid: at most ${MAX_UUID_CHARS} characters` }];
  // [发送] "文本消息请求体最大不能超过 150 KB" (the stricter 150,000 bytes)
  if (body.msg_type === "text" && rawBodyBytes > MAX_TEXT_BODY_BYTES)
    return [{ code: FEISHU_CODES.tooLong, path: "ROOT", message: `The length of the message content reaches its limit: ${rawBodyBytes} bytes, at most ${MAX_TEXT_BODY_BYTES}` }];
  if (body.msg_type !== "interactive") return [];
  if (rawBodyBytes > MAX_CARD_BODY_BYTES)
    return [{ code: FEISHU_CODES.tooLong, path: "ROOT", message: `The length of the message content reaches its limit: ${rawBodyBytes} bytes, at most ${MAX_CARD_BODY_BYTES}` }];
  if (typeof body.content !== "string") return [{ code: FEISHU_CODES.cardContent, errCode: CARD_ERR.badJson, path: "ROOT", message: "content must be a JSON string" }];
  try {
    return checkCard(JSON.parse(body.content));
  } catch {
    return [{ code: FEISHU_CODES.cardContent, errCode: CARD_ERR.badJson, path: "ROOT", message: "parse card json err" }];
  }
}

/** Feishu's answer text for a violation: "Failed to create card content, ext=ErrCode: 11310; ErrMsg: …; ErrPath: …" */
export function violationMessage(v: Violation): string {
  if (v.code === FEISHU_CODES.tooLong || v.code === FEISHU_CODES.badField) return v.message;
  return `Failed to create card content, ext=ErrCode: ${v.errCode ?? CARD_ERR.badJson}; ErrPath: ${v.path}; ErrMsg: ${v.message}; code:${v.code}`;
}
