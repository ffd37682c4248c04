/**
 * What each Card JSON 2.0 component accepts (its page's 组件属性 table, see conformance.ts for the sources):
 * the attributes, the enumerations, the widths, and the checks of one component, a header, a text object.
 * checkCard (conformance.ts) walks the card and calls these.
 */
import { isObject, MAX_INPUT_LENGTH, type Json } from "./conformance-limits.ts";

const COMMON = ["tag", "element_id", "margin"];
const TEXT_OBJECT = ["tag", "content", "text_size", "text_color", "text_align", "lines", "i18n_content"];
const CONFIRM = ["confirm"];

/** Attributes each component accepts (its page's 组件属性 table). */
export const ATTRIBUTES: Record<string, readonly string[]> = {
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
export const FORM_FIELDS = new Set(["input", "select_static", "multi_select_static", "date_picker", "checker", "button"]);
export const CONTAINERS = new Set(["form", "column_set", "column"]);
/** "note" and the 1.0 "action" module are gone in 2.0 [更新 "废弃备注组件 & 交互模块"] */
export const REMOVED_IN_V2 = new Set(["note", "action"]);

// Enumerations, each from the component's page.
/** [标题] 标题主题样式枚举 */
const HEADER_TEMPLATES = new Set(["blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default"]);
/** [按钮] type / size */
const BUTTON_TYPES = new Set(["default", "primary", "danger", "text", "primary_text", "danger_text", "primary_filled", "danger_filled", "laser"]);
const BUTTON_SIZES = new Set(["tiny", "small", "medium", "large"]);
/** [按钮] form_action_type */
export const FORM_ACTIONS = new Set(["submit", "reset"]);
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
export const WIDTH_MODES = new Set(["default", "compact", "fill"]);
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
export function containsSubmit(elements: unknown[]): boolean {
  return elements.some((element) => {
    if (!isObject(element)) return false;
    if (element.tag === "button" && element.form_action_type === "submit") return true;
    if (element.tag === "column_set" && Array.isArray(element.columns)) return element.columns.some((column) => isObject(column) && Array.isArray(column.elements) && containsSubmit(column.elements));
    return false;
  });
}

export type Bad = (path: string, message: string, errCode?: number) => void;

function checkText(value: unknown, path: string, bad: Bad, o: { tags?: readonly string[]; max?: number } = {}) {
  const tags = o.tags ?? ["plain_text"];
  if (!isObject(value) || !tags.includes(value.tag as string)) return bad(path, `must be a text object with tag ${tags.join(" or ")}`);
  for (const key of Object.keys(value)) if (!TEXT_OBJECT.includes(key)) bad(`${path} -> ${key}`, `unsupported attribute ${key} of a text object`);
  if (typeof value.content !== "string") return bad(`${path} -> content`, "content must be a string");
  if (o.max !== undefined && [...value.content].length > o.max) bad(`${path} -> content`, `at most ${o.max} characters`);
}

export function checkHeader(header: unknown, bad: Bad) {
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

export function checkComponent(node: Json, path: string, bad: Bad) {
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
