/* The simulator page: choose who you are, chat with the bot, click its cards, run its cron jobs. */
(function () {
  "use strict";
  const { renderCard, textOf } = window.DuxueCards;
  const $ = (selector) => document.querySelector(selector);
  const DAY = 86_400_000;
  const OFFICE_GROUP = "oc_sim_office_group";
  const ROLES = [
    ["admin", "系统管理员", "admins"],
    ["manager", "督导室管理员", "managers"],
    ["supervisor", "责任督学", "supervisors"],
    ["school_contact", "学校联系人", "school contacts"],
  ];

  const state = { people: [], me: null, seq: 0, items: new Map(), nodes: new Map(), counts: new Map(), buttons: new Map() };

  async function api(path, body) {
    const response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok || (data && data.error && !Array.isArray(data))) throw new Error((data && data.error) || `HTTP ${response.status}`);
    return data;
  }

  /* ---------- toasts ---------- */
  function toast(type, text) {
    const el = document.createElement("div");
    el.className = `toast toast-${type || "info"}`;
    el.setAttribute("role", "status");
    el.textContent = text;
    $("#toasts").append(el);
    setTimeout(() => el.classList.add("fade"), 4000);
    setTimeout(() => el.remove(), 4600);
  }

  /* ---------- people ---------- */
  async function loadPeople(refresh) {
    state.people = await api(`/api/people${refresh ? "?refresh=1" : ""}`);
    renderPeople();
    if (!state.me) {
      const wanted = decodeURIComponent(location.hash.slice(1)) || localStorage.getItem("duxue-sim-me") || "";
      const person = state.people.find((p) => p.code === wanted && p.open_id);
      if (person) choose(person);
    } else {
      state.me = state.people.find((p) => p.code === state.me.code) || state.me;
    }
  }

  function renderPeople() {
    const query = $("#people-search").value.trim().toLowerCase();
    const list = $("#people-list");
    list.textContent = "";
    state.buttons.clear();
    for (const [role, zh, en] of ROLES) {
      const people = state.people.filter((p) => p.role === role && (!query || p.code.toLowerCase().includes(query) || p.name.toLowerCase().includes(query) || (p.place || "").toLowerCase().includes(query)));
      if (!people.length) continue;
      const group = document.createElement("details");
      group.className = "role-group";
      group.open = Boolean(query) || role !== "supervisor" || people.length <= 40;
      group.innerHTML = `<summary>${zh} <small>${en} · ${people.length}</small></summary>`;
      const shown = query ? people : people.slice(0, 400);
      for (const p of shown) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "person" + (state.me && state.me.code === p.code ? " active" : "");
        button.dataset.code = p.code;
        button.disabled = !p.open_id;
        button.title = p.open_id ? p.open_id : "没有 open_id（无法在飞书中联系）no open_id yet";
        button.innerHTML = `<b></b> <span></span><small></small>`;
        button.querySelector("b").textContent = p.code;
        button.querySelector("span").textContent = p.name;
        button.querySelector("small").textContent = p.place ? ` · ${p.place}` : p.lang === "en" ? " · EN" : "";
        button.addEventListener("click", () => choose(p));
        if (p.open_id) state.buttons.set(`oc_p2p_${p.open_id}`, button);
        badge(button, state.counts.get(`oc_p2p_${p.open_id}`));
        group.append(button);
      }
      list.append(group);
    }
    if (!list.children.length) list.innerHTML = `<p class="hint">没有匹配的人 · nobody matches</p>`;
  }

  /** How many bot messages a person's direct chat holds: shows who was told something. */
  function badge(button, count) {
    if (!button) return;
    let el = button.querySelector(".badge");
    if (!count) return el?.remove();
    if (!el) {
      el = document.createElement("span");
      el.className = "badge";
      el.title = "督学助手发给此人的消息数 messages from the bot";
      button.prepend(el);
    }
    el.textContent = String(count);
  }

  function roleName(role) {
    const found = ROLES.find(([r]) => r === role);
    return found ? found[1] : role;
  }

  function choose(person) {
    state.me = person;
    location.hash = encodeURIComponent(person.code);
    localStorage.setItem("duxue-sim-me", person.code);
    $("#me").innerHTML = "";
    const b = document.createElement("b");
    b.textContent = `${person.name}（${person.code}）`;
    const small = document.createElement("small");
    small.textContent = ` ${roleName(person.role)}${person.place ? " · " + person.place : ""} · ${person.open_id}`;
    $("#me").append("当前身份 ", b, small);
    $("#me").dataset.code = person.code;
    document.querySelectorAll(".composer input, .composer button").forEach((el) => (el.disabled = false));
    document.querySelectorAll(".person").forEach((el) => el.classList.toggle("active", el.dataset.code === person.code));
    renderChats();
  }

  /* ---------- chats ---------- */
  const myChat = () => (state.me ? `oc_p2p_${state.me.open_id}` : null);

  function paneOf(item) {
    if (item.chatId === OFFICE_GROUP) return $("#messages-group");
    if (item.chatId === myChat()) return $("#messages-p2p");
    return null;
  }

  function renderChats() {
    $("#messages-p2p").textContent = "";
    $("#messages-group").textContent = "";
    state.nodes.clear();
    const items = [...state.items.values()].sort((a, b) => a.at - b.at);
    for (const item of items) place(item, false);
    for (const pane of [$("#messages-p2p"), $("#messages-group")]) {
      if (!pane.children.length) pane.innerHTML = `<p class="hint">还没有消息 · no messages yet</p>`;
      pane.scrollTop = pane.scrollHeight;
    }
  }

  function time(at) {
    return new Date(at).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function renderItem(item) {
    const wrap = document.createElement("div");
    wrap.className = `msg from-${item.from}`;
    wrap.dataset.messageId = item.id;
    wrap.dataset.msgType = item.msgType;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `${item.from === "bot" ? "督学助手 bot" : `${item.sender.name}（${item.sender.code}）`} · ${time(item.at)}${item.version > 1 && item.from === "bot" ? " · 已更新 updated" : ""}`;
    wrap.append(meta);
    const content = item.content || {};
    if (item.msgType === "interactive") {
      wrap.append(
        renderCard(content, {
          toast,
          action: (payload) => click(item, payload),
        }),
      );
    } else if (item.msgType === "image") {
      const bubble = document.createElement("div");
      bubble.className = "bubble image";
      const img = document.createElement("img");
      img.src = content.src || `/api/images/${encodeURIComponent(content.image_key || "")}`;
      img.alt = "[图片 image]";
      bubble.append(img);
      wrap.append(bubble);
    } else if (item.msgType === "file") {
      const bubble = document.createElement("div");
      bubble.className = "bubble file";
      bubble.textContent = "[文件 file] ";
      const upload = item.from === "bot" && content.file_key;
      const name = content.file_name || (upload ? `${content.file_key}.csv` : content.file_key || "");
      if (upload) {
        const link = document.createElement("a");
        link.href = `/api/uploads/${encodeURIComponent(content.file_key)}`;
        link.textContent = name;
        link.download = name;
        bubble.append(link);
      } else bubble.append(name);
      wrap.append(bubble);
    } else {
      const bubble = document.createElement("div");
      bubble.className = "bubble";
      const text = typeof content.text === "string" ? content.text : textOf(content) || JSON.stringify(content);
      bubble.textContent = text.replace(/<at\s+[^>]*>(.*?)<\/at>/g, "@$1").replace(/@_user_\d+\s*/g, "");
      wrap.append(bubble);
    }
    return wrap;
  }

  function place(item, scroll) {
    const pane = paneOf(item);
    if (!pane) return;
    pane.querySelector(":scope > .hint")?.remove();
    const node = renderItem(item);
    const old = state.nodes.get(item.id);
    if (old && old.isConnected) old.replaceWith(node);
    else {
      const nearBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 120;
      pane.append(node);
      if (scroll || nearBottom) pane.scrollTop = pane.scrollHeight;
    }
    state.nodes.set(item.id, node);
  }

  async function click(item, payload) {
    if (!state.me) return toast("error", "请先选择身份 · choose who you are first");
    try {
      const answer = await api("/api/click", { as: state.me.code, messageId: item.id, chatId: item.chatId, ...payload });
      if (answer.error) toast("error", answer.error);
      const t = answer.toast;
      if (t) toast(t.type, textOf(t) || (t.i18n && (t.i18n.zh_cn || t.i18n.en_us)) || "");
      if (answer.card && answer.card.data) {
        // Feishu replaces the card in place; the feed will confirm it
        const updated = { ...item, content: answer.card.data, version: item.version + 1 };
        state.items.set(item.id, updated);
        place(updated, false);
      }
    } catch (error) {
      toast("error", String(error.message || error));
    }
    poll();
  }

  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const { seq, items } = await api(`/api/feed?since=${state.seq}`);
      state.seq = seq;
      for (const item of items) {
        const old = state.items.get(item.id);
        if (!old && item.from === "bot") {
          state.counts.set(item.chatId, (state.counts.get(item.chatId) || 0) + 1);
          badge(state.buttons.get(item.chatId), state.counts.get(item.chatId));
        }
        if (old && old.version >= item.version && JSON.stringify(old.content) === JSON.stringify(item.content)) continue;
        state.items.set(item.id, item);
        place(item, item.from === "user");
      }
    } catch {
      /* the server restarts: keep polling */
    } finally {
      polling = false;
    }
  }

  async function sendText(chat, input) {
    const text = input.value.trim();
    if (!text || !state.me) return;
    input.value = "";
    try {
      await api("/api/send", { as: state.me.code, text, chat });
    } catch (error) {
      toast("error", String(error.message || error));
      input.value = text;
    }
    poll();
  }

  /* ---------- cron controls ---------- */
  const dateValue = () => $("#cron-date").value;
  const utcOf = (ymd) => Date.parse(`${ymd}T00:00:00Z`);
  const ymdOf = (ms) => new Date(ms).toISOString().slice(0, 10);
  function mondayOf(ymd) {
    const ms = utcOf(ymd);
    return ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
  }
  function isoWeek(ymd) {
    const thursday = mondayOf(ymd) + 3 * DAY;
    const year = new Date(thursday).getUTCFullYear();
    const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
    return `${year}-W${String(week).padStart(2, "0")}`;
  }
  function showWeek() {
    const ymd = dateValue();
    if (!ymd) return;
    const monday = mondayOf(ymd);
    $("#cron-week").textContent = `${isoWeek(ymd)}（${ymdOf(monday).slice(5)}～${ymdOf(monday + 6 * DAY).slice(5)}）`;
  }
  const JOBS = {
    // times are UTC: Asia/Shanghai is UTC+8
    plan: { cron: "0 0 * * 1", label: "周一计划 plan", at: (ymd) => mondayOf(ymd) },
    remind: { cron: "0 8 * * 4", label: "周四提醒 reminders", at: (ymd) => mondayOf(ymd) + 3 * DAY + 8 * 3600_000 },
    daily: { cron: "0 1 * * *", label: "每日任务 daily", at: (ymd) => utcOf(ymd) + 3600_000 },
    housekeeping: { cron: "*/5 * * * *", label: "例行 housekeeping", at: (ymd) => utcOf(ymd) + 3600_000 + 5 * 60_000 },
  };
  async function runJob(name) {
    const job = JOBS[name];
    const ymd = dateValue();
    if (!job || !ymd) return;
    const time = job.at(ymd);
    const local = new Date(time + 8 * 3600_000).toISOString().replace("T", " ").slice(0, 16);
    $("#cron-status").textContent = `运行中 running ${job.label}…`;
    try {
      const result = await api("/api/cron", { cron: job.cron, time });
      $("#cron-status").textContent = `${result.status === 200 ? "✓" : "✗ HTTP " + result.status} ${job.label} · ${local} 北京时间`;
      $("#cron-status").dataset.done = String((Number($("#cron-status").dataset.done) || 0) + 1);
    } catch (error) {
      $("#cron-status").textContent = `✗ ${job.label}: ${error.message || error}`;
    }
    poll();
  }

  /* ---------- wiring ---------- */
  $("#people-search").addEventListener("input", renderPeople);
  $("#composer-p2p").addEventListener("submit", (e) => {
    e.preventDefault();
    sendText("p2p", e.target.elements.text);
  });
  $("#composer-group").addEventListener("submit", (e) => {
    e.preventDefault();
    sendText("group", e.target.elements.text);
  });
  $("#file-input").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    e.target.value = "";
    if (!file || !state.me) return;
    try {
      await api("/api/file", { as: state.me.code, name: file.name, content: await file.text(), chat: "p2p" });
      setTimeout(() => loadPeople(true).catch(() => {}), 4000);
    } catch (error) {
      toast("error", String(error.message || error));
    }
    poll();
  });
  /** Each chosen photo goes out as its own Feishu image message, as a phone sends an album selection. */
  $("#image-input").addEventListener("change", async (e) => {
    const files = [...e.target.files];
    e.target.value = "";
    if (!files.length || !state.me) return;
    for (const file of files) {
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let binary = "";
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        await api("/api/image", { as: state.me.code, data: btoa(binary), type: file.type || "image/jpeg" });
      } catch (error) {
        toast("error", String(error.message || error));
      }
    }
    poll();
  });
  $("#cron-date").value = ymdOf(Date.now() + 8 * 3600_000);
  $("#cron-date").addEventListener("change", showWeek);
  $("#week-prev").addEventListener("click", () => {
    $("#cron-date").value = ymdOf(utcOf(dateValue()) - 7 * DAY);
    showWeek();
  });
  $("#week-next").addEventListener("click", () => {
    $("#cron-date").value = ymdOf(utcOf(dateValue()) + 7 * DAY);
    showWeek();
  });
  document.querySelectorAll("button.job").forEach((b) => b.addEventListener("click", () => runJob(b.dataset.job)));

  /* ---------- the bot menu, opening the chat, the bot joining or leaving the group ---------- */
  document.querySelectorAll("[data-event]").forEach((b) =>
    b.addEventListener("click", async () => {
      if (!state.me) return toast("error", "请先在左侧选择身份 · choose who you are");
      try {
        await api("/api/event", { as: state.me.code, kind: b.dataset.event, key: b.dataset.key });
      } catch (error) {
        toast("error", String(error.message || error));
      }
      poll();
    }),
  );
  showWeek();

  /* ---------- the schools' public pages (挂牌督导公示): links issued with 名牌 <学校> ---------- */
  $("#nameplates").addEventListener("toggle", async () => {
    if (!$("#nameplates").open) return;
    const list = $("#nameplate-list");
    try {
      const pages = await api("/api/nameplates");
      list.textContent = "";
      if (!pages.length) list.innerHTML = `<p class="hint">还没有。以管理员身份发送「名牌 学校名」· none yet: send 名牌 &lt;school&gt; as a manager</p>`;
      for (const page of pages) {
        const link = document.createElement("a");
        link.href = page.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.className = "person";
        link.textContent = `${page.code} ${page.name}`;
        list.append(link);
      }
    } catch (error) {
      list.textContent = String(error.message || error);
    }
  });

  loadPeople(false).catch((error) => ($("#people-list").textContent = `名单加载失败 · roster failed to load: ${error.message}`));
  poll();
  setInterval(poll, 800);
})();
