// The floorbot Mini App: the assessment, the trend and every deduction of a contract, with
// disputes and decisions. Plain JS, no build step. The page holds no data: every call to
// /app/api/ carries the launch data Telegram signed (Authorization: tma <initData>), kept in
// memory only. Routes live in the fragment (#contract=…&tab=…, #finding=12); Telegram appends
// its own tgWebApp… keys to it at launch, which are read once and dropped from the address;
// the bot's buttons give the contract and tab in the query (?contract=…&tab=…).
"use strict";

const BASE = location.pathname.replace(/[^/]*$/, ""); // "/app/"
const TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
const TELEGRAM_WAIT_MS = 4000;
const ROUTE_KEYS = ["contract", "tab", "finding", "period", "item", "staff", "inspector", "status"];
const FILTERS = ["item", "staff", "inspector", "status"];
const TABS = ["assessment", "trend", "deductions"];
const REPEATED = ["request_repeated", "already_handled"]; // a replayed write: it was done
const PHOTO_MAX_SIDE = 1600; // larger photos are scaled down before upload
const PHOTO_SCALE_FROM = 2 * 1024 * 1024;
// What the page says before the user's texts have arrived (or when they cannot).
const BOOT = {
  zh: { network: "无法连接服务器，请检查网络后重试。", retry: "重试" },
  en: { network: "The server cannot be reached: check the connection and try again.", retry: "Retry" },
};

const state = {
  initData: "",
  tg: null, // Telegram.WebApp inside Telegram
  lang: "zh",
  override: null, // the zh/en switch: sent as ?lang= with every call
  texts: {},
  me: null,
  seq: 0, // the render in progress; a slower earlier one is dropped
  blobs: [], // object URLs of the images on the view, released with it
  notice: null, // the server's message after an action, shown once above the view
  pending: new Map(), // form → request id kept for a retry after a network failure
  cameFrom: null, // the list a finding was opened from
  onlyCounted: false,
  dead: false, // the launch data was refused: nothing else is shown
};

class Failure extends Error {
  constructor(status, error, message) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

// -- building the page ----------------------------------------------------------------------

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [key, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (key === "class") el.className = v;
    else if (key === "testid") el.dataset.testid = v;
    else if (key === "data") Object.assign(el.dataset, v);
    else if (key === "value") value = v;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), v);
    else el.setAttribute(key, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  if (value !== undefined) el.value = value;
  return el;
}

function t(key, params) {
  const template = state.texts[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    params && name in params ? String(params[name]) : whole,
  );
}

const label = (l) => (l ? (l[state.lang] ?? l.zh ?? l.en ?? "") : "");
const when = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "—");
const money = (amount) => t("app_money", { amount });
const isZero = (n) => n === null || n === undefined || /^-?0(\.0*)?$/.test(n);

// "0.85" → "85", "0.025" → "2.5": a decimal string times 100, exactly.
function percent(n) {
  if (n === null || n === undefined) return "—";
  const negative = n.startsWith("-");
  const [whole, frac = ""] = (negative ? n.slice(1) : n).split(".");
  const padded = frac.padEnd(2, "0");
  const int = (whole + padded.slice(0, 2)).replace(/^0+(?=\d)/, "");
  const rest = padded.slice(2).replace(/0+$/, "");
  return (negative ? "-" : "") + int + (rest ? `.${rest}` : "");
}

function badge(kind, text, testid) {
  return h("span", { class: `badge ${kind}`, testid }, text);
}

function row(name, value, testid) {
  return h("div", { class: "row" }, h("span", null, name), h("span", { testid }, value));
}

function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", null, title) : null, ...children);
}

// -- launch: Telegram's keys in the fragment, its script, the user ------------------------------

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, "%20"));
  } catch {
    return text;
  }
}

// The fragment's own keys (a deep link) and Telegram's (tgWebAppData, tgWebAppPlatform …).
function splitFragment(fragment) {
  const own = new URLSearchParams();
  const telegram = new Map();
  for (const part of fragment.split(/[&?]/)) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = decode(at < 0 ? part : part.slice(0, at));
    const value = at < 0 ? "" : decode(part.slice(at + 1));
    if (key.startsWith("tgWebApp")) telegram.set(key, value);
    else own.append(key, value);
  }
  return { own, telegram };
}

function loadTelegram() {
  return new Promise((done) => {
    const finish = () => done(window.Telegram?.WebApp ?? null);
    const script = h("script", { src: TELEGRAM_SCRIPT });
    script.onload = finish;
    script.onerror = finish;
    setTimeout(finish, TELEGRAM_WAIT_MS);
    document.head.append(script);
  });
}

function setUpTelegram(tg) {
  state.tg = tg;
  document.documentElement.classList.add("tg");
  try {
    tg.ready();
    tg.expand();
    tg.BackButton?.onClick(() => back());
  } catch {
    // an old client without these: the page works without them
  }
}

async function start() {
  const { own, telegram } = splitFragment(location.hash.slice(1));
  const platform = telegram.get("tgWebAppPlatform") ?? "";
  if (platform !== "demo") {
    const tg = await loadTelegram();
    if (tg?.initData) setUpTelegram(tg);
  }
  state.initData = state.tg?.initData || telegram.get("tgWebAppData") || "";
  // Where to open: the fragment's own keys, else the query's (the bot's buttons put the
  // contract and tab there, as Telegram appends its launch data to the fragment).
  const query = new URLSearchParams(location.search);
  const route = new URLSearchParams();
  for (const key of ROUTE_KEYS) {
    const value = own.get(key) ?? query.get(key);
    if (value) route.set(key, value);
  }
  // The launch data stays in memory: the address keeps the route only.
  history.replaceState(null, "", `${location.pathname}#${route}`);
  const code = new URLSearchParams(state.initData).get("user");
  try {
    state.lang = JSON.parse(code || "{}").language_code?.startsWith("en") ? "en" : "zh";
  } catch {
    state.lang = "zh";
  }
  window.addEventListener("hashchange", () => render());
  $("lang").addEventListener("click", switchLanguage);
  $("contract").addEventListener("change", (event) => {
    const route = readRoute();
    go({ tab: route.finding ? "deductions" : route.tab, contract: event.target.value });
  });
  for (const tab of document.querySelectorAll("#tabs a")) {
    tab.addEventListener("click", () => {
      const route = readRoute();
      go({ tab: tab.dataset.tab, contract: route.contract, period: route.period });
    });
  }
  $("viewer").addEventListener("click", () => ($("viewer").hidden = true));
  await loadMe();
}

async function loadMe() {
  try {
    state.me = await api(`${BASE}api/me`);
  } catch (failure) {
    if (!state.dead) fatal(failure.message, failure.status === 0);
    return;
  }
  state.lang = state.me.lang;
  state.texts = state.me.texts;
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t("app_title");
  $("top").hidden = false;
  await render();
}

async function switchLanguage() {
  state.override = state.lang === "zh" ? "en" : "zh";
  await loadMe();
}

// A page of its own: the launch data refused, or no server. Nothing else is shown.
function fatal(message, retry) {
  $("top").hidden = true;
  const words = BOOT[state.lang] ?? BOOT.zh;
  $("view").replaceChildren(
    h(
      "div",
      { class: "error-page", testid: "fatal" },
      h("p", { testid: "fatal-message" }, message || words.network),
      retry ? h("button", { class: "primary", type: "button", onclick: () => loadMe() }, words.retry) : null,
    ),
  );
}

// -- the API ----------------------------------------------------------------------------------

async function api(path, { method = "GET", body, headers = {}, blob = false } = {}) {
  const url = new URL(path, location.href);
  if (state.override) url.searchParams.set("lang", state.override);
  let answer;
  try {
    answer = await fetch(url, {
      method,
      body,
      headers: { ...headers, Authorization: `tma ${state.initData}` },
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new Failure(0, "network", (BOOT[state.lang] ?? BOOT.zh).network);
  }
  if (!answer.ok) {
    let data = {};
    try {
      data = await answer.json();
    } catch {
      // not JSON: the status says enough
    }
    const failure = new Failure(answer.status, data.error ?? "", data.message || `HTTP ${answer.status}`);
    if (answer.status === 401) {
      state.dead = true;
      fatal(failure.message, false);
    }
    throw failure;
  }
  return blob ? answer.blob() : answer.json();
}

// An image the API serves (it needs the Authorization header): shown from a blob URL.
function image(url, props) {
  const img = h("img", { alt: "", loading: "lazy", ...props });
  api(url, { blob: true }).then(
    (content) => {
      const src = URL.createObjectURL(content);
      state.blobs.push(src);
      img.src = src;
      img.dataset.loaded = "true";
    },
    (failure) => {
      img.alt = failure.message;
      img.dataset.loaded = "failed";
    },
  );
  return img;
}

function photo(url, testid) {
  const img = image(url, { testid });
  img.addEventListener("click", () => {
    if (!img.src) return;
    $("viewer").querySelector("img").src = img.src;
    $("viewer").hidden = false;
  });
  return img;
}

function requestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16)); // outside a secure context
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// -- routes -----------------------------------------------------------------------------------

function readRoute() {
  const params = new URLSearchParams(location.hash.slice(1));
  const route = {};
  for (const key of ROUTE_KEYS) if (params.get(key)) route[key] = params.get(key);
  return route;
}

function go(route) {
  const params = new URLSearchParams();
  for (const key of ROUTE_KEYS) if (route[key]) params.set(key, route[key]);
  const hash = `#${params}`;
  if (location.hash === hash || (hash === "#" && !location.hash)) render();
  else location.hash = hash;
}

function back() {
  const route = readRoute();
  if (state.cameFrom) history.back();
  else go({ tab: "deductions", contract: route.contract });
}

function contractOf(id) {
  return state.me.contracts.find((c) => c.id === id) ?? null;
}

function drawHead(contractId, tab) {
  const contracts = state.me.contracts;
  const known = contractOf(contractId);
  const switcher = $("contract");
  const title = $("contract-title");
  const choices = known || !contractId ? contracts : [...contracts, { id: contractId, title: null }];
  switcher.hidden = choices.length < 2;
  title.hidden = !switcher.hidden;
  switcher.replaceChildren(
    ...choices.map((c) => h("option", { value: c.id }, c.title ? label(c.title) : c.id)),
  );
  switcher.value = contractId ?? "";
  title.textContent = known ? label(known.title) : (contractId ?? "");
  const roles = (known?.roles ?? []).map((r) => t(`app_role_${r}`)).join(" · ");
  $("user-name").textContent = roles ? `${state.me.name} · ${roles}` : state.me.name;
  $("lang").textContent = t("app_lang_other");
  for (const a of document.querySelectorAll("#tabs a")) {
    a.textContent = t(`app_tab_${a.dataset.tab}`);
    a.classList.toggle("active", a.dataset.tab === tab);
    a.setAttribute("aria-selected", String(a.dataset.tab === tab));
  }
}

async function render() {
  if (!state.me || state.dead) return;
  const seq = ++state.seq;
  const route = readRoute();
  const contract = route.contract ?? state.me.contracts[0]?.id;
  const tab = route.finding ? "deductions" : TABS.includes(route.tab) ? route.tab : "assessment";
  if (!route.finding && location.hash !== state.cameFrom) state.cameFrom = null; // Back: the list
  drawHead(contract, tab);
  state.tg?.BackButton?.[route.finding ? "show" : "hide"]();
  for (const url of state.blobs.splice(0)) URL.revokeObjectURL(url);
  const view = $("view");
  if (!contract && !route.finding) {
    view.replaceChildren(h("p", { class: "loading", testid: "no-contract" }, t("app_no_contract")));
    return;
  }
  view.dataset.page = route.finding ? "finding" : tab;
  view.replaceChildren(h("p", { class: "loading" }, t("app_loading")));
  let page;
  try {
    if (route.finding) page = await findingPage(route, contract);
    else if (tab === "trend") page = await trendPage(contract);
    else if (tab === "deductions") page = await deductionsPage(route, contract);
    else page = await assessmentPage(route, contract);
  } catch (failure) {
    if (seq !== state.seq || state.dead) return;
    page = h(
      "div",
      null,
      route.finding ? h("a", { class: "back", testid: "back", onclick: back }, `‹ ${t("app_back")}`) : null,
      h("div", { class: "refusal", testid: "refusal" }, failure.message),
    );
  }
  if (seq !== state.seq || state.dead) return;
  const notice = state.notice;
  state.notice = null;
  view.replaceChildren(notice ? h("div", { class: "notice", testid: "notice" }, notice) : "", page);
  view.dataset.ready = String(seq);
}

function periodPicker(contract, current, onchange) {
  const periods = [...(contractOf(contract)?.periods ?? [])].reverse();
  if (current && !periods.includes(current)) periods.unshift(current);
  if (!periods.length) return null;
  return h(
    "select",
    { testid: "period-picker", "aria-label": t("app_period"), value: current, onchange: (e) => onchange(e.target.value) },
    periods.map((p) => h("option", { value: p }, t("app_period_choice", { period: p }))),
  );
}

// -- Assessment: the contract's sheet -------------------------------------------------------

async function assessmentPage(route, contract) {
  const period = route.period ?? contractOf(contract)?.current_period;
  const query = period ? `?period=${enc(period)}` : "";
  const data = await api(`${BASE}api/contracts/${enc(contract)}/assessment${query}`);
  const a = data.assessment;
  const picker = periodPicker(contract, data.period, (period) =>
    go({ tab: "assessment", contract, period }),
  );
  return h(
    "div",
    { testid: "assessment" },
    picker ? h("div", { class: "pickers" }, picker) : null,
    summary(data, a, contract),
    components(a),
    warnings(a),
    notes(a),
    sheet(a, contract, data.period),
  );
}

function summary(data, a, contract) {
  let status;
  if (a.provisional) status = badge("open", t("app_provisional"), "status");
  else if (data.final) status = badge("final", t("app_final"), "status");
  else status = badge("", t("app_not_final"), "status");
  const disputes = data.open_disputes?.length
    ? h(
        "a",
        {
          testid: "open-disputes",
          onclick: () => go({ tab: "deductions", contract, period: data.period, status: "disputed" }),
        },
        t("app_open_disputes", { count: data.open_disputes.length }),
      )
    : null;
  const m = a.money;
  const figures = [];
  const figure = (name, value, testid) =>
    figures.push(h("div", null, h("small", null, name), h("b", { testid }, value)));
  if (a.score !== null) {
    figure(t("app_deducted"), a.points_deducted, "points-deducted");
    if (!isZero(a.points_added)) figure(t("app_added"), a.points_added, "points-added");
  }
  if (m.fee_deduction !== null) figure(t("app_fee"), money(m.fee_deduction), "fee");
  if (m.payout_ratio !== null) figure(t("app_payout"), `${percent(m.payout_ratio)}%`, "payout");
  if (m.deposit_refund_ratio !== null) {
    const amount = m.deposit_refund_amount !== null ? ` = ${money(m.deposit_refund_amount)}` : "";
    figure(t("app_deposit"), `${percent(m.deposit_refund_ratio)}%${amount}`, "deposit");
  }
  if (a.grade) figure(t("app_grade"), label(a.grade), "grade");
  const more = [];
  if (m.fee_deduction !== null && m.score_deduction !== null && !isZero(m.item_amounts)) {
    more.push(t("app_fee_parts", { score_part: money(m.score_deduction), items: money(m.item_amounts) }));
  }
  if (m.pool_year_ratio !== null) {
    more.push(
      t("app_pool_year", { year: m.pool_year, average: m.pool_year_average, ratio: percent(m.pool_year_ratio) }) +
        lacking(m.pool_year_lacking),
    );
  }
  if (m.deposit_lacking?.length) more.push(t("app_deposit") + lacking(m.deposit_lacking));
  if (data.closed_at) more.push(t("app_closed", { closed: when(data.closed_at) }));
  return h(
    "section",
    { class: "card", testid: "summary" },
    h("div", { class: "row" }, h("b", null, `${t("app_score")} · ${data.period}`), status),
    a.score !== null
      ? h(
          "div",
          { class: "score" },
          h("span", { class: "big", testid: "score" }, a.score),
          a.max_score !== null ? h("span", { class: "max" }, `/ ${a.max_score}`) : null,
        )
      : h("p", { testid: "score-none" }, t("app_score_none")),
    disputes,
    figures.length ? h("div", { class: "figures" }, figures) : null,
    more.map((line) => h("p", { class: "small muted" }, line)),
  );
}

function lacking(periods) {
  return periods?.length ? ` — ${t("app_lacking", { periods: periods.join(", ") })}` : "";
}

function components(a) {
  if (a.components.length < 2 && a.components.every((c) => c.type === "card")) return null;
  return card(
    t("app_components"),
    a.components.map((c) =>
      row(
        `${label(c.label)} (${percent(c.weight)}%)`,
        c.score !== null ? c.score : t("app_no_data"),
        `component-${c.code}`,
      ),
    ),
  );
}

function warnings(a) {
  if (!a.warnings.length) return null;
  return card(
    t("app_warnings"),
    h(
      "ul",
      { class: "plain" },
      a.warnings.map((w) => {
        let claim = "";
        if (w.amount !== null) {
          const amount = w.amount_max !== null ? `${w.amount}–${w.amount_max}` : w.amount;
          claim = t("app_claim", { amount: money(amount) });
        } else if (w.amount_note) claim = t("app_claim", { amount: label(w.amount_note) });
        return h(
          "li",
          { testid: "warning" },
          badge(w.level, t(w.level === "triggered" ? "app_triggered" : "app_at_risk")),
          " ",
          label(w.label),
          w.periods.length ? ` (${w.periods.join(", ")})` : "",
          claim ? h("div", { class: "small muted" }, claim) : null,
          w.clause ? h("div", { class: "small muted" }, w.clause) : null,
        );
      }),
    ),
  );
}

function notes(a) {
  const items = [
    ...a.money.notes.map((n) => label(n)),
    ...a.missing.map((n) => label(n)),
    ...a.missing_inputs.map((x) => `${label(x.label)} (${x.period})`),
    ...a.excluded.map((x) => label(x.label)),
  ];
  if (!items.length) return null;
  return card(t("app_notes"), h("ul", { class: "plain" }, items.map((n) => h("li", { testid: "note" }, n))));
}

// Sections in the rulebook's order (cards first, then depth), each with its lines; lines of no
// section (targets, fees) in a table of their own.
function sheet(a, contract, period) {
  const bySection = new Map();
  const loose = [];
  const known = new Set(a.sections.map((s) => s.code));
  for (const line of a.lines) {
    if (line.section && known.has(line.section)) {
      if (!bySection.has(line.section)) bySection.set(line.section, []);
      bySection.get(line.section).push(line);
    } else loose.push(line);
  }
  const cards = [...new Set(a.sections.map((s) => s.card))];
  const rows = [];
  for (const code of cards) {
    if (cards.length > 1) {
      const component = a.components.find((c) => c.code === code);
      rows.push(
        h("tr", { class: "card-head" }, h("td", { colspan: 3 }, component ? label(component.label) : code)),
      );
    }
    for (const section of a.sections.filter((s) => s.card === code)) {
      rows.push(sectionRow(section));
      for (const line of bySection.get(section.code) ?? []) rows.push(lineRow(line, contract, period));
    }
  }
  for (const line of loose) rows.push(lineRow(line, contract, period));
  const counted = a.lines.some((l) => l.count);
  const table = h(
    "table",
    { class: `sheet${state.onlyCounted ? " only" : ""}`, testid: "sheet" },
    h(
      "thead",
      null,
      h("tr", null, h("td", null, t("app_col_item")), h("td", { class: "n" }, t("app_col_quantity")), h("td", { class: "n" }, t("app_col_points"))),
    ),
    h("tbody", null, rows),
  );
  const toggle = h("input", {
    type: "checkbox",
    testid: "only-counted",
    onchange: (e) => {
      state.onlyCounted = e.target.checked;
      table.classList.toggle("only", state.onlyCounted);
      for (const tr of table.querySelectorAll("tr.line.zero")) tr.hidden = state.onlyCounted;
    },
  });
  toggle.checked = state.onlyCounted;
  for (const tr of table.querySelectorAll("tr.line.zero")) tr.hidden = state.onlyCounted;
  return card(
    t("app_sheet"),
    counted ? null : h("p", { class: "muted", testid: "no-lines" }, t("app_no_lines")),
    h("label", { class: "toggle" }, toggle, t("app_only_counted")),
    table,
  );
}

function sectionRow(s) {
  let figure = "";
  if (!isZero(s.deducted)) figure = `-${s.deducted}`;
  if (!isZero(s.added)) figure = figure ? `${figure} +${s.added}` : `+${s.added}`;
  const raw = !isZero(s.deducted_raw) && s.deducted_raw !== s.deducted ? s.deducted_raw : s.added_raw;
  return h(
    "tr",
    { class: `section d${Math.min(s.depth, 2)}`, testid: "section", data: { code: s.code } },
    h(
      "td",
      { colspan: 2 },
      label(s.label),
      s.cap !== null ? h("span", { class: "note" }, t("app_cap", { cap: s.cap })) : null,
      s.capped ? h("span", { class: "note capped" }, t("app_capped", { raw })) : null,
    ),
    h("td", { class: `n${s.capped ? " capped" : ""}`, testid: "section-points" }, figure),
  );
}

function linePoints(line) {
  if (!line.count) return "—";
  if (line.kind === "kpi") {
    const misses = t("app_misses", { misses: line.misses });
    return line.amount !== null ? `${misses} · ${money(line.amount)}` : misses;
  }
  if (line.amount !== null) return money(line.amount);
  if (line.points === null) return "—";
  if (isZero(line.points)) return "0";
  return line.kind === "bonus" ? `+${line.points}` : `-${line.points}`;
}

function lineRow(line, contract, period) {
  const counted = line.count > 0;
  const open = counted
    ? () => go({ tab: "deductions", contract, period, item: line.code })
    : null;
  const records = counted && line.quantity !== String(line.count)
    ? h("span", { class: "note" }, t("app_records", { count: line.count }))
    : null;
  const kind = line.kind === "bonus" ? "bonus" : line.capped ? "capped" : counted && !isZero(line.points) ? "minus" : "";
  return h(
    "tr",
    {
      class: `line${counted ? " counted" : " zero"}`,
      testid: "line",
      data: { code: line.code, count: String(line.count) },
      onclick: open,
    },
    h(
      "td",
      null,
      label(line.label),
      line.clause ? h("span", { class: "clause" }, line.clause) : null,
      line.capped ? h("span", { class: "note capped" }, t("app_capped", { raw: line.raw_points })) : null,
    ),
    h("td", { class: "n" }, h("span", { testid: "line-quantity" }, counted ? line.quantity : "—"), records),
    h("td", { class: `n ${kind}`, testid: "line-points" }, linePoints(line)),
  );
}

// -- Trend ------------------------------------------------------------------------------------

async function trendPage(contract) {
  const data = await api(`${BASE}api/contracts/${enc(contract)}/trend`);
  const scores = [...data.scores].reverse();
  const days = [...data.days].reverse();
  const score = (s) => (s === null ? "—" : s);
  return h(
    "div",
    { testid: "trend" },
    card(
      t("app_trend_title"),
      image(data.chart, { class: "chart", testid: "trend-chart", alt: t("app_chart_alt") }),
      data.lines?.length
        ? h("p", { class: "small muted", testid: "trend-lines" }, t("app_trend_lines", { lines: data.lines.join(" / ") }))
        : null,
    ),
    card(
      t("app_trend_periods"),
      h(
        "table",
        { class: "scores", testid: "trend-scores" },
        scores.map((s) =>
          h("tr", { testid: "trend-period", data: { period: s.period } }, h("td", null, s.period), h("td", { class: "n" }, score(s.score))),
        ),
      ),
    ),
    days.length
      ? card(
          t("app_trend_days", { period: data.period }),
          h(
            "details",
            null,
            h("summary", { class: "muted small" }, t("app_trend_days_count", { count: days.length })),
            h(
              "table",
              { class: "scores", testid: "trend-days" },
              days.map((d) => h("tr", null, h("td", null, d.date), h("td", { class: "n" }, score(d.score)))),
            ),
          ),
        )
      : null,
  );
}

// -- Deductions -------------------------------------------------------------------------------

async function deductionsPage(route, contract) {
  const query = new URLSearchParams();
  const period = route.period ?? contractOf(contract)?.current_period;
  if (period) query.set("period", period);
  for (const key of FILTERS) if (route[key]) query.set(key, route[key]);
  const data = await api(`${BASE}api/contracts/${enc(contract)}/deductions?${query}`);
  const f = data.filters;
  const change = (key) => (event) => go({ ...route, tab: "deductions", contract, [key]: event.target.value });
  const filter = (key, choices) =>
    h(
      "select",
      { testid: `filter-${key}`, "aria-label": t(`app_filter_${key}`), value: route[key] ?? "", onchange: change(key) },
      h("option", { value: "" }, t("app_filter_any", { filter: t(`app_filter_${key}`) })),
      choices.map(([value, text]) => h("option", { value }, text)),
    );
  const pickers = h(
    "div",
    { class: "pickers" },
    periodPicker(contract, data.period, (period) => go({ ...route, tab: "deductions", contract, period })),
    filter("item", f.items.map((i) => [i.code, label(i.label)])),
    filter("status", f.statuses.map((s) => [s, t(`app_state_${s}`)])),
    filter("staff", f.staff.map((s) => [s, s])),
    filter("inspector", f.inspectors.map((s) => [s, s])),
  );
  const list = data.findings.map((finding) => findingItem(finding, contract));
  return h(
    "div",
    { testid: "deductions" },
    pickers,
    h("p", { class: "small muted", testid: "findings-count" }, t("app_findings_count", { count: data.findings.length })),
    list.length ? list : h("p", { class: "loading", testid: "no-findings" }, t("app_no_findings")),
  );
}

function cost(f) {
  if (f.amount !== null) return money(f.amount);
  if (f.points === null) return "—";
  return isZero(f.points) ? "0" : `-${f.points}`;
}

function recordedCost(f) {
  const r = f.recorded;
  if (r.amount !== null) return money(r.amount);
  return r.points === null ? "" : `-${r.points}`;
}

function findingItem(f, contract) {
  const open = () => {
    state.cameFrom = location.hash;
    go({ contract, finding: String(f.id) });
  };
  return h(
    "button",
    { type: "button", class: `finding${f.voided ? " voided" : ""}`, testid: "finding", data: { id: String(f.id) }, onclick: open },
    h(
      "div",
      { class: "top" },
      h("span", { class: "label" }, `#${f.id} ${label(f.item.label)}`),
      h(
        "span",
        { class: "pts", testid: "finding-points" },
        f.corrected ? h("span", { class: "was" }, recordedCost(f)) : null,
        cost(f),
      ),
    ),
    h(
      "div",
      { class: "sub" },
      badge(f.state, t(`app_state_${f.state}`), "finding-state"),
      h("span", null, when(f.occurred_at)),
      f.staff ? h("span", null, f.staff) : null,
      f.inspector ? h("span", null, `${t("app_by")} ${f.inspector}`) : null,
      f.photos ? h("span", { testid: "finding-photos" }, t("app_photos", { count: f.photos })) : null,
      // the state says where a dispute stands; a dispute it does not show yet gets a badge
      f.dispute && f.state === "recorded"
        ? badge(f.dispute.status, t(`app_dispute_${f.dispute.status}`), "finding-dispute")
        : null,
    ),
  );
}

// -- One finding: evidence, trail, dispute, decision ------------------------------------------

async function findingPage(route, contract) {
  const data = await api(`${BASE}api/findings/${enc(route.finding)}`);
  const f = data.finding;
  const figure = (fields) => {
    const parts = [];
    if (fields.value !== null && fields.value !== undefined) parts.push(`${t("app_value")} ${fields.value}`);
    if (fields.quantity !== null && fields.quantity !== undefined) parts.push(`${t("app_quantity")} ${fields.quantity}`);
    return parts.join(" · ");
  };
  const head = h(
    "section",
    { class: "card", testid: "finding-detail", data: { id: String(f.id) } },
    h("div", { class: "row" }, h("b", null, t("app_finding", { id: f.id })), badge(f.state, t(`app_state_${f.state}`), "finding-state")),
    h("p", { class: "label" }, h("b", null, label(f.item.label))),
    f.item.clause ? h("p", { class: "small muted" }, `${t("app_clause")} ${f.item.clause}`) : null,
    row(t("app_occurred"), when(f.occurred_at)),
    f.staff ? row(t("app_staff"), f.staff) : null,
    f.inspector ? row(t("app_inspector"), f.inspector) : null,
    figure(f) ? row(t("app_figure"), figure(f), "finding-figure") : null,
    f.corrected ? row(t("app_recorded"), figure(f.recorded) || recordedCost(f)) : null,
    row(t("app_cost"), cost(f), "finding-cost"),
    f.note ? row(t("app_note"), f.note) : null,
    data.last_day
      ? h(
          "p",
          { class: "small muted", testid: "window" },
          t(data.window_open ? "app_window_open" : "app_window_closed", { day: data.last_day }),
        )
      : null,
  );
  const evidence = h(
    "section",
    { class: "card", testid: "evidence" },
    h("h2", null, t("app_evidence")),
    data.evidence.length
      ? h("div", { class: "photos" }, data.evidence.map((url) => photo(url, "evidence-photo")))
      : h("p", { class: "muted small" }, t("app_no_evidence")),
  );
  return h(
    "div",
    { testid: "finding-page" },
    h("a", { class: "back", testid: "back", onclick: back }, `‹ ${t("app_back")}`),
    head,
    evidence,
    f.dispute ? disputeCard(f.dispute, data.dispute_photos) : null,
    data.can_dispute ? disputeForm(f) : null,
    data.can_decide && f.dispute?.status === "open" ? decisionForm(f) : null,
    trail(data.trail),
  );
}

function disputeCard(d, photos) {
  return h(
    "section",
    { class: "card", testid: "dispute" },
    h("h2", null, t("app_dispute", { id: d.id })),
    h("div", { class: "row" }, h("span", null, t("app_dispute_state")), badge(d.status, t(`app_dispute_${d.status}`), "dispute-status")),
    h("p", { testid: "dispute-reason-shown" }, d.reason),
    h("p", { class: "small muted" }, t("app_dispute_opened", { who: d.opened_by ?? "—", at: when(d.opened_at) })),
    photos?.length ? h("div", { class: "photos" }, photos.map((url) => photo(url, "dispute-photo"))) : null,
    d.resolved_at
      ? h(
          "p",
          { testid: "dispute-resolution" },
          t("app_dispute_decided", { who: d.resolved_by ?? "—", at: when(d.resolved_at) }),
          d.resolution ? h("br") : null,
          d.resolution ?? "",
        )
      : null,
  );
}

function trail(entries) {
  return card(
    t("app_trail"),
    h(
      "ul",
      { class: "plain trail", testid: "trail" },
      entries.map((e) => h("li", { testid: "trail-entry", data: { action: e.action } }, h("time", null, when(e.at)), h("span", null, e.text))),
    ),
  );
}

// A form that posts once per submit: the button is off while it is sent; a request id is kept
// for a retry after a network failure (the server answers a replay as already handled).
function submitter(form, key, send) {
  const button = form.querySelector("button[type=submit]");
  const error = form.querySelector(".form-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    error.textContent = "";
    const id = state.pending.get(key) ?? requestId();
    state.pending.set(key, id);
    const idle = button.textContent;
    button.disabled = true;
    button.textContent = t("app_sending");
    try {
      const answer = await send(id);
      state.pending.delete(key);
      state.notice = answer.message;
      state.tg?.HapticFeedback?.notificationOccurred("success");
      render();
    } catch (failure) {
      if (failure.status !== 0) state.pending.delete(key);
      if (state.dead) return;
      if (REPEATED.includes(failure.error)) {
        state.notice = failure.message;
        render();
        return;
      }
      error.textContent = failure.message;
      button.disabled = false;
      button.textContent = idle;
    }
  });
}

function disputeForm(f) {
  const form = h(
    "form",
    { class: "card act", testid: "dispute-form" },
    h("h2", null, t("app_dispute_form")),
    h(
      "label",
      { class: "field" },
      t("app_reason"),
      h("textarea", { name: "reason", rows: 3, maxlength: 1000, required: true, placeholder: t("app_reason_hint"), testid: "dispute-reason" }),
    ),
    h(
      "label",
      { class: "field" },
      t("app_photo_optional"),
      h("input", { type: "file", name: "photo", accept: "image/jpeg,image/png", testid: "dispute-photo-input" }),
    ),
    h("div", { class: "form-error", testid: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary", testid: "dispute-submit" }, t("app_dispute_submit")),
  );
  submitter(form, `dispute:${f.id}`, async (id) => {
    const body = new FormData();
    body.append("reason", form.elements.reason.value.trim());
    const file = form.elements.photo.files[0];
    if (file) body.append("photo", await smaller(file), file.name);
    return api(`${BASE}api/findings/${f.id}/dispute`, { method: "POST", body, headers: { "X-Request-Id": id } });
  });
  return form;
}

// A phone's photo of several MB, scaled down to at most PHOTO_MAX_SIDE pixels as JPEG.
async function smaller(file) {
  if (file.size < PHOTO_SCALE_FROM || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = h("canvas", { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.85));
    return blob ?? file;
  } catch {
    return file;
  }
}

function decisionForm(f) {
  const outcome = (value) =>
    h("label", null, h("input", { type: "radio", name: "outcome", value, required: true, testid: `outcome-${value}` }), t(`app_${value}`));
  const current = f.value ?? f.quantity;
  const figure = h("input", {
    name: "figure",
    inputmode: "decimal",
    autocomplete: "off",
    placeholder: current ?? "",
    testid: "decision-figure",
  });
  const figureField = h(
    "label",
    { class: "field", hidden: true },
    t(f.value !== null ? "app_figure_value" : "app_figure_quantity", { current: current ?? "—" }),
    figure,
  );
  const form = h(
    "form",
    { class: "card act", testid: "decision-form" },
    h("h2", null, t("app_decide")),
    h("div", { class: "outcomes" }, outcome("uphold"), outcome("withdraw"), outcome("reduce")),
    figureField,
    h(
      "label",
      { class: "field" },
      t("app_reason"),
      h("textarea", { name: "reason", rows: 3, maxlength: 1000, required: true, testid: "decision-reason" }),
    ),
    h("div", { class: "form-error", testid: "form-error", role: "alert" }),
    h("button", { type: "submit", class: "primary", testid: "decision-submit" }, t("app_decision_submit")),
  );
  form.addEventListener("change", () => {
    const reduce = form.elements.outcome.value === "reduce";
    figureField.hidden = !reduce;
    figure.required = reduce;
  });
  submitter(form, `decision:${f.dispute.id}`, (id) => {
    const choice = form.elements.outcome.value;
    const body = { outcome: choice, reason: form.elements.reason.value.trim() };
    if (choice === "reduce") body.figure = figure.value.trim();
    return api(`${BASE}api/disputes/${f.dispute.id}/decision`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Request-Id": id },
    });
  });
  return form;
}

start();
