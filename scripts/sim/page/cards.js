/* Renders Feishu Card JSON 2.0 (and the common 1.0 shapes) into plain DOM.
 * Interactive components call hooks.action({ value, tag, name, formValue, option, options, inputValue, checked })
 * exactly with the payload shapes Feishu puts in a card.action.trigger callback.
 * No dependencies, no build step: loaded by index.html as window.DuxueCards. */
(function () {
  "use strict";

  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key === "html") el.innerHTML = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child);
    return el;
  };

  /** A text object's string: {tag: plain_text|lark_md, content} or i18n_content, or a plain string. */
  function textOf(node) {
    if (node === null || node === undefined) return "";
    if (typeof node === "string" || typeof node === "number") return String(node);
    if (typeof node.content === "string") return node.content;
    if (node.i18n_content) return node.i18n_content.zh_cn || node.i18n_content.en_us || Object.values(node.i18n_content)[0] || "";
    if (node.i18n) return node.i18n.zh_cn || node.i18n.en_us || Object.values(node.i18n)[0] || "";
    return "";
  }

  /* ---------- markdown (Feishu card markdown, the parts the bot uses) ---------- */

  const ENTITY = /&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/y;
  function escapeHtmlKeepEntities(text) {
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "&") {
        ENTITY.lastIndex = i;
        out += ENTITY.test(text) ? "&" : "&amp;";
      } else if (c === "<") out += "&lt;";
      else if (c === ">") out += "&gt;";
      else if (c === '"') out += "&quot;";
      else out += c;
    }
    return out;
  }

  const COLORS = { red: "#d83931", green: "#2ea121", blue: "#245bdb", grey: "#8f959e", gray: "#8f959e", orange: "#de7802", yellow: "#dc9b04", purple: "#6425d0", violet: "#6425d0", carmine: "#c71e5b", turquoise: "#04a6a6", wathet: "#0b7bc0", indigo: "#3b4fd8" };
  const colorOf = (name) => COLORS[String(name || "").replace(/^['"]|['"]$/g, "").toLowerCase()] || (String(name).match(/^#[0-9a-f]{3,8}$/i) ? name : "inherit");

  function inline(text) {
    const codes = [];
    text = text.replace(/`([^`]+)`/g, (_, code) => `\u0002${codes.push(code) - 1}\u0002`);
    text = text.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label, url) => {
      const safe = /^(https?:|lark:|mailto:)/i.test(url.replace(/&amp;/g, "&")) ? url : "#";
      return `<a href="${safe}" target="_blank" rel="noopener">${label}</a>`;
    });
    text = text.replace(/\*\*([^*]+?)\*\*/g, "<strong>$1</strong>");
    text = text.replace(/(^|[^*])\*([^*\s][^*]*?)\*(?!\*)/g, "$1<em>$2</em>");
    text = text.replace(/~~([^~]+?)~~/g, "<del>$1</del>");
    return text.replace(/\u0002(\d+)\u0002/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
  }

  /** Feishu markdown → safe HTML. Entities the bot used to escape user text stay literal characters. */
  function markdownToHtml(source) {
    const tags = [];
    const keep = (html) => `\u0001${tags.push(html) - 1}\u0001`;
    let text = String(source ?? "")
      .replace(/<font\s+color\s*=\s*['"]?([#\w-]+)['"]?\s*>/gi, (_, color) => keep(`<span style="color:${colorOf(color)}">`))
      .replace(/<\/font>/gi, () => keep("</span>"))
      .replace(/<text_tag\s+color\s*=\s*['"]?([\w-]+)['"]?\s*>/gi, (_, color) => keep(`<span class="tag" style="border-color:${colorOf(color)};color:${colorOf(color)}">`))
      .replace(/<\/text_tag>/gi, () => keep("</span>"))
      .replace(/<at\s+(?:id|user_id|open_id|email)\s*=\s*['"]?([^'">\s]+)['"]?\s*>\s*<\/at>/gi, (_, id) => keep(`<span class="at">@${id === "all" ? "所有人" : escapeHtmlKeepEntities(id)}</span>`))
      .replace(/<br\s*\/?>/gi, "\n");
    text = escapeHtmlKeepEntities(text);
    const out = [];
    let list = null;
    const closeList = () => {
      if (list) out.push(`</${list}>`);
      list = null;
    };
    for (const line of text.split("\n")) {
      let m;
      if ((m = line.match(/^(\s*)[-*+]\s+(.*)$/))) {
        if (list !== "ul") {
          closeList();
          out.push("<ul>");
          list = "ul";
        }
        out.push(`<li style="margin-left:${Math.floor(m[1].length / 2) * 1.2}em">${inline(m[2])}</li>`);
        continue;
      }
      if ((m = line.match(/^(\s*)(\d+)\.\s+(.*)$/))) {
        if (list !== "ol") {
          closeList();
          out.push("<ol>");
          list = "ol";
        }
        out.push(`<li value="${m[2]}" style="margin-left:${Math.floor(m[1].length / 2) * 1.2}em">${inline(m[3])}</li>`);
        continue;
      }
      closeList();
      if ((m = line.match(/^\s*(#{1,6})\s+(.*)$/))) out.push(`<div class="md-h md-h${m[1].length}">${inline(m[2])}</div>`);
      else if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) out.push("<hr>");
      else if ((m = line.match(/^\s*&gt;\s?(.*)$/))) out.push(`<blockquote>${inline(m[1])}</blockquote>`);
      else if (line.trim() === "") out.push('<div class="md-gap"></div>');
      else out.push(`<div>${inline(line)}</div>`);
    }
    closeList();
    return out.join("").replace(/\u0001(\d+)\u0001/g, (_, i) => tags[Number(i)]);
  }

  /* ---------- components ---------- */

  const callbackValue = (el) => {
    const behavior = (el.behaviors || []).find((b) => b.type === "callback");
    return behavior ? behavior.value : el.value && typeof el.value === "object" ? el.value : undefined;
  };

  const WIDTHS = { fill: "100%", auto: "auto" };
  const widthStyle = (el) => (el.width && WIDTHS[el.width] ? `width:${WIDTHS[el.width]}` : el.width && /^\d+px$/.test(el.width) ? `width:${el.width}` : "");

  function field(el, control) {
    const label = textOf(el.label);
    if (!label) return control;
    return h("label", { class: "field" }, h("span", { class: "field-label", text: label + (el.required ? " *" : "") }), control);
  }

  function renderButton(el, ctx) {
    const value = callbackValue(el);
    const url = (el.behaviors || []).find((b) => b.type === "open_url");
    const type = el.type || "default";
    const button = h("button", { type: "button", class: `btn btn-${type}${el.size ? ` btn-${el.size}` : ""}`, disabled: el.disabled, "data-name": el.name, style: widthStyle(el) }, textOf(el.text) || "按钮");
    button.addEventListener("click", async () => {
      if (el.confirm && !window.confirm(`${textOf(el.confirm.title)}\n${textOf(el.confirm.text)}`)) return;
      if (url) window.open(url.default_url || url.pc_url, "_blank");
      if (el.form_action_type && ctx.form) {
        if (el.form_action_type === "reset") return ctx.form.reset();
        if (el.form_action_type === "submit") return ctx.form.submit(el, button);
      }
      if (value !== undefined) await ctx.fire({ value, tag: "button", name: el.name }, button);
    });
    return button;
  }

  function register(ctx, el, get, reset, fire) {
    if (ctx.form && el.name) ctx.form.fields.push({ name: el.name, tag: el.tag, required: Boolean(el.required), get, reset });
    else if (!ctx.form && fire) {
      const value = callbackValue(el);
      if (value !== undefined) fire(value);
    }
  }

  function renderInput(el, ctx) {
    const multiline = el.input_type === "multiline_text";
    const initial = el.default_value ?? "";
    const control = multiline
      ? h("textarea", { rows: el.rows || 3, placeholder: textOf(el.placeholder), name: el.name, maxlength: el.max_length, disabled: el.disabled })
      : h("input", { type: el.input_type === "password" ? "password" : "text", placeholder: textOf(el.placeholder), name: el.name, maxlength: el.max_length, disabled: el.disabled });
    control.value = initial;
    control.className = "control";
    if (el.width === "fill" || multiline) control.style.width = "100%";
    register(
      ctx,
      el,
      () => (control.value === "" ? undefined : control.value),
      () => (control.value = initial),
      (value) => control.addEventListener("change", (e) => ctx.fire({ value, tag: "input", name: el.name, inputValue: control.value }, e.target)),
    );
    return field(el, control);
  }

  const optionText = (o) => textOf(o.text) || o.value;

  function renderSelect(el, ctx) {
    const select = h("select", { class: "control", name: el.name, disabled: el.disabled, style: widthStyle(el) }, h("option", { value: "", text: textOf(el.placeholder) || "请选择" }));
    for (const o of el.options || []) select.append(h("option", { value: o.value, text: optionText(o) }));
    const initial = el.initial_option ?? (el.initial_index ? (el.options || [])[el.initial_index - 1]?.value : undefined) ?? "";
    select.value = initial;
    if (select.value === "") select.classList.add("placeholder");
    select.addEventListener("change", () => select.classList.toggle("placeholder", select.value === ""));
    register(
      ctx,
      el,
      () => (select.value === "" ? undefined : select.value),
      () => (select.value = initial),
      (value) => select.addEventListener("change", () => ctx.fire({ value, tag: "select_static", name: el.name, option: select.value }, select)),
    );
    return field(el, select);
  }

  function renderMultiSelect(el, ctx) {
    const initial = new Set(el.selected_values || el.initial_options || []);
    const box = h("div", { class: "multi control", "data-name": el.name, style: widthStyle(el) });
    if (textOf(el.placeholder)) box.append(h("span", { class: "multi-placeholder", text: textOf(el.placeholder) }));
    const inputs = (el.options || []).map((o) => {
      const input = h("input", { type: "checkbox", value: o.value, disabled: el.disabled });
      input.checked = initial.has(o.value);
      box.append(h("label", { class: "chip" }, input, " ", optionText(o)));
      return input;
    });
    const values = () => inputs.filter((i) => i.checked).map((i) => i.value);
    register(
      ctx,
      el,
      () => (values().length ? values() : undefined),
      () => inputs.forEach((i) => (i.checked = initial.has(i.value))),
      (value) => box.addEventListener("change", () => ctx.fire({ value, tag: "multi_select_static", name: el.name, options: values() }, box)),
    );
    return field(el, box);
  }

  function renderDatePicker(el, ctx) {
    const initial = el.initial_date || "";
    const input = h("input", { type: "date", class: "control", name: el.name, disabled: el.disabled, title: textOf(el.placeholder), style: widthStyle(el) });
    input.value = initial;
    const wrapper = h("span", { class: "date-wrap" }, input, initial ? null : h("span", { class: "date-hint", text: textOf(el.placeholder) }));
    input.addEventListener("change", () => wrapper.querySelector(".date-hint")?.remove());
    register(
      ctx,
      el,
      () => (input.value ? `${input.value} +0800` : undefined),
      () => (input.value = initial),
      (value) => input.addEventListener("change", () => ctx.fire({ value, tag: "date_picker", name: el.name, option: `${input.value} +0800` }, input)),
    );
    return field(el, wrapper);
  }

  function renderChecker(el, ctx) {
    const input = h("input", { type: "checkbox", name: el.name, disabled: el.disabled });
    input.checked = Boolean(el.checked);
    register(
      ctx,
      el,
      () => input.checked,
      () => (input.checked = Boolean(el.checked)),
      (value) => input.addEventListener("change", () => ctx.fire({ value, tag: "checker", name: el.name, checked: input.checked }, input)),
    );
    return h("label", { class: "checker" }, input, " ", h("span", { html: markdownToHtml(textOf(el.text)) }));
  }

  function renderTable(el) {
    const columns = el.columns || [];
    const table = h("table", { class: "card-table" });
    if (el.header_style !== null) table.append(h("thead", {}, h("tr", {}, columns.map((c) => h("th", { text: c.display_name ?? c.name })))));
    const body = h("tbody");
    for (const row of el.rows || []) {
      body.append(
        h(
          "tr",
          {},
          columns.map((c) => {
            const value = row[c.name];
            const td = h("td");
            if (value === undefined || value === null) return td;
            if (c.data_type === "lark_md" || c.data_type === "markdown") td.innerHTML = markdownToHtml(String(value));
            else if (c.data_type === "options" && Array.isArray(value)) value.forEach((o) => td.append(h("span", { class: "tag", style: `border-color:${colorOf(o.color)};color:${colorOf(o.color)}`, text: o.text })));
            else if (c.data_type === "persons") td.textContent = [].concat(value).map((p) => (typeof p === "string" ? p : p.name || p.id)).join("、");
            else if (c.data_type === "number" && typeof value === "number" && c.format?.precision !== undefined) td.textContent = (c.format.symbol || "") + value.toFixed(c.format.precision);
            else td.textContent = String(typeof value === "object" ? JSON.stringify(value) : value);
            if (c.data_type === "number") td.className = "num";
            return td;
          }),
        ),
      );
    }
    table.append(body);
    return h("div", { class: "table-wrap" }, table);
  }

  /** A chart as a readable fallback: its title and a table of its data values. */
  function renderChart(el) {
    const spec = el.chart_spec || {};
    const datasets = Array.isArray(spec.data) ? spec.data : spec.data ? [spec.data] : [];
    const title = textOf(spec.title?.text ?? spec.title) || "图表";
    const wrap = h("div", { class: "chart", "data-tag": "chart" }, h("div", { class: "chart-title" }, `图表：${title} `, h("small", { text: `chart: ${spec.type || "?"}（以表格显示 shown as a table）` })));
    const xKey = Array.isArray(spec.xField) ? spec.xField[0] : spec.xField;
    const seriesKey = spec.seriesField ?? (Array.isArray(spec.xField) ? spec.xField[1] : undefined);
    const yKey = Array.isArray(spec.yField) ? spec.yField[0] : spec.yField;
    for (const set of datasets) {
      const values = set.values || [];
      if (!values.length) continue;
      if (set.id && datasets.length > 1) wrap.append(h("div", { class: "chart-set", text: set.id }));
      if (xKey && seriesKey && yKey && values.every((v) => xKey in v && seriesKey in v)) {
        // one row per x value, one column per series: how the bars would read
        const rows = [...new Set(values.map((v) => String(v[xKey])))];
        const series = [...new Set(values.map((v) => String(v[seriesKey])))];
        const cell = (x, s) => values.find((v) => String(v[xKey]) === x && String(v[seriesKey]) === s)?.[yKey];
        const table = h("table", { class: "card-table" }, h("thead", {}, h("tr", {}, h("th", { text: xKey }), series.map((s) => h("th", { text: s })))));
        table.append(h("tbody", {}, rows.map((x) => h("tr", {}, h("td", { text: x }), series.map((s) => h("td", { class: "num", text: cell(x, s) ?? "" }))))));
        wrap.append(h("div", { class: "table-wrap" }, table));
        continue;
      }
      const keys = [...new Set(values.flatMap((v) => Object.keys(v)))];
      const table = h("table", { class: "card-table" }, h("thead", {}, h("tr", {}, keys.map((k) => h("th", { text: k })))));
      table.append(h("tbody", {}, values.map((v) => h("tr", {}, keys.map((k) => h("td", { class: typeof v[k] === "number" ? "num" : "", text: v[k] === undefined ? "" : String(v[k]) }))))));
      wrap.append(h("div", { class: "table-wrap" }, table));
    }
    return wrap;
  }

  function renderColumnSet(el, ctx) {
    const set = h("div", { class: `column-set flex-${el.flex_mode || "none"}`, style: el.horizontal_spacing ? `gap:${el.horizontal_spacing}` : "" });
    for (const column of el.columns || []) {
      const grow = column.width === "weighted" ? column.weight || 1 : column.width === "auto" || !column.width ? 0 : 0;
      const style = [column.width === "weighted" ? `flex:${grow} 1 0` : column.width && /px$/.test(column.width) ? `flex:0 0 ${column.width}` : "flex:0 1 auto", `align-self:${{ top: "flex-start", center: "center", bottom: "flex-end" }[column.vertical_align] || "stretch"}`];
      const col = h("div", { class: "column", style: style.join(";") });
      renderElements(column.elements || [], col, ctx);
      set.append(col);
    }
    return set;
  }

  function renderForm(el, ctx) {
    const formEl = h("form", { class: "card-form", "data-name": el.name, onsubmit: (e) => e.preventDefault() });
    const form = {
      fields: [],
      reset: () => form.fields.forEach((f) => f.reset()),
      submit: async (button, buttonEl) => {
        const formValue = {};
        const missing = [];
        for (const f of form.fields) {
          const v = f.get();
          if (v === undefined) {
            if (f.required) missing.push(f.name);
            continue;
          }
          formValue[f.name] = v;
        }
        formEl.querySelectorAll(".missing").forEach((n) => n.classList.remove("missing"));
        if (missing.length) {
          for (const name of missing) formEl.querySelector(`[name="${CSS.escape(name)}"], [data-name="${CSS.escape(name)}"]`)?.classList.add("missing");
          ctx.toast("error", `请填写必填项（${missing.length} 项）· ${missing.length} required field(s) empty`);
          return;
        }
        await ctx.fire({ value: callbackValue(button) || {}, tag: "button", name: button.name || "submit", formValue }, buttonEl);
      },
    };
    renderElements(el.elements || [], formEl, { ...ctx, form });
    return formEl;
  }

  function renderElement(el, ctx) {
    if (!el || typeof el !== "object") return null;
    switch (el.tag) {
      case "markdown":
      case "lark_md":
        return h("div", { class: `md${el.text_align ? ` align-${el.text_align}` : ""}`, html: markdownToHtml(el.content ?? textOf(el.text)) });
      case "plain_text":
        return h("div", { class: "plain", text: textOf(el) });
      case "div": {
        const div = h("div", { class: "div" });
        if (el.text) div.append(h("div", { class: "md", html: el.text.tag === "lark_md" ? markdownToHtml(textOf(el.text)) : escapeHtmlKeepEntities(textOf(el.text)).replace(/\n/g, "<br>") }));
        if (el.fields) div.append(h("div", { class: "fields" }, el.fields.map((f) => h("div", { class: `field-item${f.is_short ? " short" : ""}`, html: markdownToHtml(textOf(f.text)) }))));
        if (el.extra) div.append(renderElement(el.extra, ctx));
        return div;
      }
      case "hr":
        return h("hr");
      case "note":
        return h("div", { class: "note" }, (el.elements || []).map((e) => h("span", { html: markdownToHtml(textOf(e)) })));
      case "column_set":
        return renderColumnSet(el, ctx);
      case "table":
        return renderTable(el);
      case "chart":
        return renderChart(el);
      case "button":
        return renderButton(el, ctx);
      case "select_static":
        return renderSelect(el, ctx);
      case "multi_select_static":
        return renderMultiSelect(el, ctx);
      case "date_picker":
      case "picker_date":
        return renderDatePicker(el, ctx);
      case "input":
        return renderInput(el, ctx);
      case "checker":
        return renderChecker(el, ctx);
      case "form":
        return renderForm(el, ctx);
      case "action": {
        const row = h("div", { class: "actions" });
        renderElements(el.actions || [], row, ctx);
        return row;
      }
      case "overflow":
        return h("div", { class: "actions" }, (el.options || []).map((o) => renderButton({ tag: "button", text: o.text, value: o.value && typeof o.value === "object" ? o.value : { ...(el.value || {}), option: o.value } }, ctx)));
      case "collapsible_panel": {
        const details = h("details", { class: "panel", open: el.expanded }, h("summary", { html: markdownToHtml(textOf(el.header?.title)) }));
        renderElements(el.elements || [], details, ctx);
        return details;
      }
      case "interactive_container": {
        const box = h("div", { class: "interactive" });
        renderElements(el.elements || [], box, ctx);
        const value = callbackValue(el);
        if (value !== undefined) box.addEventListener("click", () => ctx.fire({ value, tag: "interactive_container", name: el.name }, box));
        return box;
      }
      case "img": {
        // The fake Feishu keeps what the bot uploaded (im/v1/images); the simulator serves it at /api/images/<key>.
        const box = h("div", { class: "img" });
        box.append(h("img", { src: `/api/images/${encodeURIComponent(el.img_key || "")}`, alt: textOf(el.alt) || "[图片 image]" }));
        return box;
      }
      case "img_combination": {
        const box = h("div", { class: `img-combination mode-${el.combination_mode || "trisect"}` });
        for (const item of el.img_list || []) box.append(h("img", { src: `/api/images/${encodeURIComponent(item.img_key || "")}`, alt: "[图片 image]" }));
        return box;
      }
      case "person":
      case "person_list":
        return h("div", { class: "plain", text: `@${(el.persons || [{ id: el.user_id }]).map((p) => p.id).join("、")}` });
      default: {
        const box = h("div", { class: "unsupported", text: `[${el.tag || "?"}]` });
        if (Array.isArray(el.elements)) renderElements(el.elements, box, ctx);
        return box;
      }
    }
  }

  function renderElements(elements, parent, ctx) {
    for (const el of elements) {
      const node = renderElement(el, ctx);
      if (node) {
        if (el && el.element_id) node.dataset.elementId = el.element_id;
        if (el && el.margin) node.style.margin = el.margin;
        parent.append(node);
      }
    }
  }

  /**
   * Renders a card. hooks.action(payload) performs the callback (returns a promise);
   * hooks.toast(type, text) shows a client-side message.
   */
  function renderCard(card, hooks) {
    const root = h("div", { class: "card", "data-tag": "card" });
    const header = card && card.header;
    if (header && (header.title || header.subtitle)) {
      root.append(
        h(
          "div",
          { class: `card-header tpl-${header.template || "default"}` },
          h("div", { class: "card-title", text: textOf(header.title) }),
          header.subtitle ? h("div", { class: "card-subtitle", text: textOf(header.subtitle) }) : null,
          (header.text_tag_list || []).map((t) => h("span", { class: "tag", text: textOf(t.text) })),
        ),
      );
    }
    const body = h("div", { class: "card-body" });
    const ctx = {
      form: null,
      toast: hooks.toast,
      fire: async (payload, control) => {
        const controls = root.querySelectorAll("button, select, input, textarea");
        const disabled = [...controls].filter((c) => !c.disabled);
        disabled.forEach((c) => (c.disabled = true));
        root.classList.add("busy");
        try {
          await hooks.action(payload, control);
        } finally {
          disabled.forEach((c) => (c.disabled = false));
          root.classList.remove("busy");
        }
      },
    };
    const elements = (card && card.body && card.body.elements) || (card && card.elements) || [];
    renderElements(elements, body, ctx);
    root.append(body);
    return root;
  }

  window.DuxueCards = { renderCard, markdownToHtml, textOf };
})();
