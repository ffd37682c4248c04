/** The report form's inputs (Card JSON 2.0 form components, see feishu/conformance.ts), as report-card.ts uses them. */
import { plainText, type CardElement } from "./kit.ts";

export type Option = { value: string; label: string };

export const options = (list: readonly Option[]) => list.map((o) => ({ text: plainText(o.label), value: o.value }));

export function selectStatic(name: string, list: readonly Option[], o: { placeholder?: string; initial?: string; required?: boolean }): CardElement {
  return {
    tag: "select_static",
    name,
    ...(o.placeholder ? { placeholder: plainText(o.placeholder) } : {}),
    options: options(list),
    width: "fill",
    ...(o.required ? { required: true } : {}),
    ...(o.initial ? { initial_option: o.initial } : {}),
  };
}

/** Several choices; `required: false` because a multi-select is required by default (下拉选择-多选). */
export function multiSelect(name: string, list: readonly Option[], o: { placeholder: string; initial?: readonly string[] }): CardElement {
  return {
    tag: "multi_select_static",
    name,
    placeholder: plainText(o.placeholder),
    options: options(list),
    width: "fill",
    required: false,
    ...(o.initial?.length ? { selected_values: [...o.initial] } : {}),
  };
}

/** An input; `max` is its max_length, the same number the server's validation takes (domain/report-form.ts maxLength). */
export function textInput(name: string, o: { placeholder?: string; label?: string; initial?: string; multiline?: boolean; max: number }): CardElement {
  return {
    tag: "input",
    name,
    ...(o.placeholder ? { placeholder: plainText(o.placeholder) } : {}),
    ...(o.label ? { label: plainText(o.label) } : {}),
    width: "fill",
    max_length: o.max,
    ...(o.multiline ? { input_type: "multiline_text", rows: 3, auto_resize: true } : {}),
    ...(o.initial ? { default_value: o.initial } : {}),
  };
}

export function datePicker(name: string, o: { placeholder: string; initial?: string | null; required?: boolean }): CardElement {
  return {
    tag: "date_picker",
    name,
    placeholder: plainText(o.placeholder),
    width: "fill",
    ...(o.required ? { required: true } : {}),
    ...(o.initial ? { initial_date: o.initial } : {}),
  };
}

export const checker = (name: string, label: string, checked = false): CardElement => ({ tag: "checker", name, checked, text: plainText(label) });

/** Side-by-side columns that stay side by side on a phone. */
export function row(columns: { weight: number; elements: CardElement[] }[]): CardElement {
  return {
    tag: "column_set",
    flex_mode: "none",
    columns: columns.map((c) => ({ tag: "column", width: "weighted", weight: c.weight, elements: c.elements })),
  };
}
