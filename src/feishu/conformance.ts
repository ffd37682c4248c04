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

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const COMMON = ["tag", "element_id", "margin"];
const TEXT_OBJECT = ["tag", "content", "text_size", "text_color", "text_align", "lines", "i18n_content"];
const CONFIRM = ["confirm"];

/** Attributes each component accepts (its page's 组件属性 table). */
const ATTRIBUTES: Record<string, readonly string[]> = {
  // [富文本（Markdown）]
  markdown: [...COMMON, "text_align", "text_size", "icon", "content", "i18n_content"],
  // [分割线]
  hr: COMMON,
  // [普通文本]
  div: [...COMMON, "width", "text", "icon"],
  // [分栏]
  column_set: [...COMMON, "horizontal_spacing", "horizontal_align", "flex_mode", "background_style", "action", "columns"],
  column: ["tag", "element_id", "background_style", "width", "weight", "horizontal_spacing", "horizontal_align", "vertical_align", "vertical_spacing", "direction", "padding", "margin", "elements", "action"],
  // [表单容器]
  form: [...COMMON, "direction", "padding", "horizontal_spacing", "horizontal_align", "vertical_align", "vertical_spacing", "name", "elements"],
  // [按钮] (name and form_action_type inside a form)
  button: [...COMMON, "type", "size", "width", "text", "icon", "hover_tips", "disabled", "disabled_tips", ...CONFIRM, "behaviors", "name", "form_action_type"],
  // [输入框]
  input: [...COMMON, "name", "required", "disabled", "disabled_tips", "placeholder", "default_value", "width", "behaviors", "max_length", "input_type", "show_icon", "rows", "auto_resize", "max_rows", "label", "label_position", "value", ...CONFIRM],
  // [下拉选择-单选]
  select_static: [...COMMON, "type", "name", "required", "disabled", "initial_option", "initial_index", "placeholder", "width", "behaviors", "options", ...CONFIRM],
  // [下拉选择-多选]
  multi_select_static: [...COMMON, "type", "name", "placeholder", "width", "behaviors", "required", "disabled", "selected_values", "options", ...CONFIRM],
  // [日期选择器]
  date_picker: [...COMMON, "name", "required", "disabled", "placeholder", "width", "behaviors", "initial_date", "value", ...CONFIRM],
  // [勾选器]
  checker: [...COMMON, "name", "checked", "text", "overall_checkable", "button_area", "checked_style", "padding", ...CONFIRM, "behaviors", "hover_tips", "disabled", "disabled_tips"],
  // [表格]
  table: [...COMMON, "page_size", "row_height", "row_max_height", "header_style", "freeze_first_column", "columns", "rows"],
  // [图表]
  chart: [...COMMON, "aspect_ratio", "color_theme", "chart_spec", "preview", "height"],
  // [图片]
  img: [...COMMON, "img_key", "alt", "title", "corner_radius", "transparent", "preview", "scale_type", "size", "crop_position"],
  // [多图混排] (img_list entries are `{img_key}` objects, not tagged elements)
  img_combination: [...COMMON, "combination_mode", "corner_radius", "img_list"],
};
/** components that take part in a form and so need a card-unique `name` [表单容器] */
const FORM_FIELDS = new Set(["input", "select_static", "multi_select_static", "date_picker", "checker", "button"]);
const CONTAINERS = new Set(["form", "column_set", "column"]);
/** "note" and the 1.0 "action" module are gone in 2.0 [更新 "废弃备注组件 & 交互模块"] */
const REMOVED_IN_V2 = new Set(["note", "action"]);

// Enumerations, each from the component's page.
/** [标题] 标题主题样式枚举 */
const HEADER_TEMPLATES = new Set(["blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default"]);
/** [按钮] type / size */
const BUTTON_TYPES = new Set(["default", "primary", "danger", "text", "primary_text", "danger_text", "primary_filled", "danger_filled", "laser"]);
const BUTTON_SIZES = new Set(["tiny", "small", "medium", "large"]);
/** [按钮] form_action_type */
const FORM_ACTIONS = new Set(["submit", "reset"]);
/** [分栏] flex_mode */
const FLEX_MODES = new Set(["none", "stretch", "flow", "bisect", "trisect"]);
/** [输入框] input_type */
const INPUT_TYPES = new Set(["text", "multiline_text", "password"]);
/** [表格] data_type */
const TABLE_DATA_TYPES = new Set(["text", "lark_md", "options", "number", "persons", "date", "markdown"]);
/** [图表] aspect_ratio / color_theme */
const CHART_RATIOS = new Set(["1:1", "2:1", "4:3", "16:9"]);
const CHART_THEMES = new Set(["brand", "rainbow", "complementary", "converse", "primary"]);
/** [卡片 JSON 2.0 结构] config.width_mode */
const WIDTH_MODES = new Set(["default", "compact", "fill"]);
/** [图片] scale_type; [多图混排] combination_mode */
const IMG_SCALE_TYPES = new Set(["crop_center", "fit_horizontal", "crop_top"]);
const IMG_COMBINATION_MODES = new Set(["double", "triple", "bisect", "trisect"]);
/** behaviors types (配置卡片交互) */
const BEHAVIOR_TYPES = new Set(["open_url", "callback"]);

const px = (value: string) => (/^\d+px$/.test(value) ? Number(value.slice(0, -2)) : NaN);
/** "default / fill / [100,∞)px" [按钮], [输入框], [下拉选择-单选], [日期选择器] */
const componentWidthOk = (value: unknown) => value === "default" || value === "fill" || (typeof value === "string" && px(value) >= 100);
/** "auto / weighted / [16,600]px" [分栏] column width */
const columnWidthOk = (value: unknown) => value === "auto" || value === "weighted" || (typeof value === "string" && px(value) >= 16 && px(value) <= 600);
/** "auto / [80px,600px] / [1%,100%]" [表格] column width */
const tableWidthOk = (value: unknown) =>
  value === "auto" || (typeof value === "string" && ((px(value) >= 80 && px(value) <= 600) || (/^\d+%$/.test(value) && Number(value.slice(0, -1)) >= 1 && Number(value.slice(0, -1)) <= 100)));
const isInteger = (value: unknown, min: number, max: number) => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

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

function containsSubmit(elements: unknown[]): boolean {
  return elements.some((element) => {
    if (!isObject(element)) return false;
    if (element.tag === "button" && element.form_action_type === "submit") return true;
    if (element.tag === "column_set" && Array.isArray(element.columns)) return element.columns.some((column) => isObject(column) && Array.isArray(column.elements) && containsSubmit(column.elements));
    return false;
  });
}

type Bad = (path: string, message: string, errCode?: number) => void;

function checkText(value: unknown, path: string, bad: Bad, o: { tags?: readonly string[]; max?: number } = {}) {
  const tags = o.tags ?? ["plain_text"];
  if (!isObject(value) || !tags.includes(value.tag as string)) return bad(path, `must be a text object with tag ${tags.join(" or ")}`);
  for (const key of Object.keys(value)) if (!TEXT_OBJECT.includes(key)) bad(`${path} -> ${key}`, `unsupported attribute ${key} of a text object`);
  if (typeof value.content !== "string") return bad(`${path} -> content`, "content must be a string");
  if (o.max !== undefined && [...value.content].length > o.max) bad(`${path} -> content`, `at most ${o.max} characters`);
}

function checkHeader(header: unknown, bad: Bad) {
  const path = "ROOT -> header";
  if (!isObject(header)) return bad(path, "header must be an object");
  // [标题]
  for (const key of Object.keys(header)) if (!["title", "subtitle", "text_tag_list", "template", "icon", "padding", "i18n_text_tag_list"].includes(key)) bad(`${path} -> ${key}`, `unsupported attribute ${key} of the header`);
  checkText(header.title, `${path} -> title`, bad, { tags: ["plain_text", "lark_md"] });
  if (header.subtitle !== undefined) checkText(header.subtitle, `${path} -> subtitle`, bad, { tags: ["plain_text", "lark_md"] });
  if (header.template !== undefined && !HEADER_TEMPLATES.has(header.template as string)) bad(`${path} -> template`, `header template ${JSON.stringify(header.template)}`);
}

function checkOptions(node: Json, path: string, bad: Bad): Set<string> {
  const values = new Set<string>();
  if (!Array.isArray(node.options) || node.options.length === 0) {
    bad(`${path} -> options`, "options must be a non-empty array");
    return values;
  }
  node.options.forEach((option, i) => {
    const here = `${path} -> options -> [${i}]`;
    if (!isObject(option)) return bad(here, "an option must be an object");
    for (const key of Object.keys(option)) if (!["text", "icon", "value"].includes(key)) bad(`${here} -> ${key}`, `unsupported attribute ${key} of an option`);
    checkText(option.text, `${here} -> text`, bad);
    if (typeof option.value !== "string") bad(`${here} -> value`, "an option's value must be a string");
    // [下拉选择] each option's value is its identity: two alike cannot be told apart
    else if (values.has(option.value)) bad(`${here} -> value`, `option value ${JSON.stringify(option.value)} is not unique`);
    else values.add(option.value);
  });
  return values;
}

function checkBehaviors(node: Json, path: string, bad: Bad) {
  if (node.behaviors === undefined) return;
  if (!Array.isArray(node.behaviors)) return bad(`${path} -> behaviors`, "behaviors must be an array");
  node.behaviors.forEach((behavior, i) => {
    if (!isObject(behavior) || !BEHAVIOR_TYPES.has(behavior.type as string)) bad(`${path} -> behaviors -> [${i}]`, "a behavior's type is open_url or callback");
    else if (behavior.type === "callback" && !isObject(behavior.value)) bad(`${path} -> behaviors -> [${i}] -> value`, "a callback's value is a key-value object");
  });
}

function checkComponent(node: Json, path: string, bad: Bad) {
  const at = (key: string) => `${path} -> ${key}`;
  switch (node.tag) {
    case "markdown":
      if (typeof node.content !== "string") bad(at("content"), "markdown needs content");
      break;
    case "div":
      if (node.text !== undefined) checkText(node.text, at("text"), bad, { tags: ["plain_text", "lark_md"] });
      break;
    case "column_set":
      if (node.flex_mode !== undefined && !FLEX_MODES.has(node.flex_mode as string)) bad(at("flex_mode"), `flex_mode ${JSON.stringify(node.flex_mode)}`);
      break;
    case "column":
      if (node.width !== undefined && !columnWidthOk(node.width)) bad(at("width"), `column width ${JSON.stringify(node.width)}`);
      // [分栏] weight "取值范围为 1 ~ 5 之间的整数"
      if (node.weight !== undefined && !isInteger(node.weight, 1, 5)) bad(at("weight"), "weight is an integer 1–5");
      break;
    case "button":
      if (node.type !== undefined && !BUTTON_TYPES.has(node.type as string)) bad(at("type"), `button type ${JSON.stringify(node.type)}`);
      if (node.size !== undefined && !BUTTON_SIZES.has(node.size as string)) bad(at("size"), `button size ${JSON.stringify(node.size)}`);
      if (node.width !== undefined && !componentWidthOk(node.width)) bad(at("width"), `button width ${JSON.stringify(node.width)}`);
      // [按钮] text content "最多支持 100 个字符"
      if (node.text !== undefined) checkText(node.text, at("text"), bad, { tags: ["plain_text"], max: 100 });
      if (node.form_action_type !== undefined && !FORM_ACTIONS.has(node.form_action_type as string)) bad(at("form_action_type"), `form_action_type ${JSON.stringify(node.form_action_type)}`);
      checkBehaviors(node, path, bad);
      break;
    case "input":
      // [输入框] max_length "可取 1~1,000 范围内的整数"
      if (node.max_length !== undefined && !isInteger(node.max_length, 1, MAX_INPUT_LENGTH)) bad(at("max_length"), `max_length ${JSON.stringify(node.max_length)} is not an integer 1–${MAX_INPUT_LENGTH}`);
      if (node.input_type !== undefined && !INPUT_TYPES.has(node.input_type as string)) bad(at("input_type"), `input_type ${JSON.stringify(node.input_type)}`);
      if (node.width !== undefined && !componentWidthOk(node.width)) bad(at("width"), `input width ${JSON.stringify(node.width)}`);
      if (node.rows !== undefined && !isInteger(node.rows, 1, 1000)) bad(at("rows"), "rows is a positive integer");
      // [输入框] placeholder "最多支持 100 个字符"
      if (node.placeholder !== undefined) checkText(node.placeholder, at("placeholder"), bad, { max: 100 });
      if (node.label !== undefined) checkText(node.label, at("label"), bad);
      if (node.label_position !== undefined && node.label_position !== "top" && node.label_position !== "left") bad(at("label_position"), "label_position is top or left");
      if (node.default_value !== undefined && typeof node.default_value !== "string") bad(at("default_value"), "default_value is a string");
      checkBehaviors(node, path, bad);
      break;
    case "select_static":
    case "multi_select_static": {
      if (node.type !== undefined && node.type !== "default" && node.type !== "text") bad(at("type"), `select type ${JSON.stringify(node.type)}`);
      if (node.width !== undefined && !componentWidthOk(node.width)) bad(at("width"), `select width ${JSON.stringify(node.width)}`);
      // [下拉选择-多选] placeholder "最多支持 100 个字符"
      if (node.placeholder !== undefined) checkText(node.placeholder, at("placeholder"), bad, { max: 100 });
      const values = checkOptions(node, path, bad);
      if (node.initial_option !== undefined && !values.has(node.initial_option as string)) bad(at("initial_option"), "initial_option is not one of the options");
      if (node.selected_values !== undefined && (!Array.isArray(node.selected_values) || node.selected_values.some((v) => !values.has(v as string)))) bad(at("selected_values"), "selected_values must be values of the options");
      checkBehaviors(node, path, bad);
      break;
    }
    case "date_picker":
      if (node.width !== undefined && !componentWidthOk(node.width)) bad(at("width"), `date_picker width ${JSON.stringify(node.width)}`);
      // [日期选择器] placeholder "最多支持 100 个字符"; initial_date "格式为 yyyy-MM-dd"
      if (node.placeholder !== undefined) checkText(node.placeholder, at("placeholder"), bad, { max: 100 });
      if (node.initial_date !== undefined && !(typeof node.initial_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(node.initial_date))) bad(at("initial_date"), "initial_date is yyyy-MM-dd");
      checkBehaviors(node, path, bad);
      break;
    case "checker":
      if (node.text !== undefined) checkText(node.text, at("text"), bad, { tags: ["plain_text", "lark_md"] });
      if (node.checked !== undefined && typeof node.checked !== "boolean") bad(at("checked"), "checked is a boolean");
      checkBehaviors(node, path, bad);
      break;
    case "table": {
      // [表格] page_size "支持 [1,10] 整数"; columns "最多支持添加 50 列"
      if (node.page_size !== undefined && !isInteger(node.page_size, 1, 10)) bad(at("page_size"), "page_size is an integer 1–10");
      if (node.row_height !== undefined && !["low", "middle", "high", "auto"].includes(node.row_height as string) && !(px(String(node.row_height)) >= 32 && px(String(node.row_height)) <= 124))
        bad(at("row_height"), `row_height ${JSON.stringify(node.row_height)}`);
      if (!Array.isArray(node.columns) || node.columns.length === 0 || node.columns.length > 50) bad(at("columns"), "a table has 1–50 columns");
      else
        node.columns.forEach((column, i) => {
          const here = `${path} -> columns -> [${i}]`;
          if (!isObject(column)) return bad(here, "a column must be an object");
          for (const key of Object.keys(column))
            if (!["name", "display_name", "width", "vertical_align", "horizontal_align", "data_type", "format", "date_format"].includes(key)) bad(`${here} -> ${key}`, `unsupported attribute ${key} of a table column`);
          if (typeof column.name !== "string" || !column.name) bad(`${here} -> name`, "a table column needs a name");
          if (!TABLE_DATA_TYPES.has(column.data_type as string)) bad(`${here} -> data_type`, `data_type ${JSON.stringify(column.data_type)}`);
          if (column.width !== undefined && !tableWidthOk(column.width)) bad(`${here} -> width`, `table column width ${JSON.stringify(column.width)}`);
          if (column.format !== undefined) {
            if (column.data_type !== "number") bad(`${here} -> format`, "format only for number columns");
            else if (!isObject(column.format) || (column.format.precision !== undefined && !isInteger(column.format.precision, 0, 10))) bad(`${here} -> format`, "format.precision is an integer 0–10");
          }
        });
      if (!Array.isArray(node.rows)) bad(at("rows"), "rows must be an array");
      break;
    }
    case "chart":
      if (!isObject(node.chart_spec) || typeof node.chart_spec.type !== "string") bad(at("chart_spec"), "chart_spec must be a VChart spec with a type");
      if (node.aspect_ratio !== undefined && !CHART_RATIOS.has(node.aspect_ratio as string)) bad(at("aspect_ratio"), `aspect_ratio ${JSON.stringify(node.aspect_ratio)}`);
      if (node.color_theme !== undefined && !CHART_THEMES.has(node.color_theme as string)) bad(at("color_theme"), `color_theme ${JSON.stringify(node.color_theme)}`);
      // [图表] height "auto / [1,999]px"
      if (node.height !== undefined && node.height !== "auto" && !(px(String(node.height)) >= 1 && px(String(node.height)) <= 999)) bad(at("height"), `height ${JSON.stringify(node.height)}`);
      break;
    case "img":
      if (typeof node.img_key !== "string" || !node.img_key) bad(at("img_key"), "img_key is required");
      // [图片] alt (the text shown while loading and read aloud) is required
      if (node.alt === undefined) bad(at("alt"), "img needs alt");
      else checkText(node.alt, at("alt"), bad);
      // [图片] scale_type
      if (node.scale_type !== undefined && !IMG_SCALE_TYPES.has(node.scale_type as string)) bad(at("scale_type"), `scale_type ${JSON.stringify(node.scale_type)}`);
      break;
    case "img_combination":
      // [多图混排] combination_mode; img_list of 2–9 images with their img_key
      if (!IMG_COMBINATION_MODES.has(node.combination_mode as string)) bad(at("combination_mode"), `combination_mode ${JSON.stringify(node.combination_mode)}`);
      if (!Array.isArray(node.img_list) || node.img_list.length < 1 || node.img_list.length > 9 || !node.img_list.every((item) => isObject(item) && typeof item.img_key === "string"))
        bad(at("img_list"), "img_list must hold 1–9 {img_key}");
      break;
  }
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
