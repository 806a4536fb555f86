// Message Center editor: live preview, save, cancel, versions and revert,
// all through the JSON API (the session cookie authenticates the calls).
// User data is only ever set with textContent, never parsed as HTML.
"use strict";

// The page's texts in the admin's language, from the catalogues (package
// i18n, keys "js.*"): T fills each %s of a text in turn.
const uiTexts = (() => {
  const el = document.getElementById("ui-texts");
  try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
})();
const pageLang = document.documentElement.lang || "en";
function T(key, ...args) {
  let i = 0;
  return (uiTexts[key] || key).replace(/%s/g, () => String(args[i++]));
}

(function () {
  const form = document.getElementById("mc-form");
  if (!form) return;

  const api = form.dataset.api;
  let version = Number(form.dataset.version);
  const $ = (id) => document.getElementById(id);
  const body = $("mc-body"), label = $("mc-label"), lang = $("mc-language");
  const automation = $("mc-automation");
  const save = $("mc-save"), cancel = $("mc-cancel"), status = $("mc-status");
  const pvText = $("pv-text"), pvButton = $("pv-button"), pvChat = $("pv-chat");
  const pvInvalid = $("pv-invalid"), pvProblems = $("pv-problems");
  const storeApi = form.dataset.storeApi;

  const chars = (s) => Array.from(s).length;
  const typeValue = () => (form.querySelector('input[name="type"]:checked') || {}).value || "default";

  function draft() {
    const d = { type: typeValue(), language: lang.value, body: body.value, button_label: label.value };
    if (automation) d.automation_enabled = automation.checked;
    if (fbSection) d.fallback = fb;
    return d;
  }

  function fill(c) {
    form.querySelectorAll('input[name="type"]').forEach((r) => { r.checked = r.value === c.type; });
    lang.value = c.language;
    body.value = c.body || "";
    label.value = c.button_label || "";
    if (automation && typeof c.automation_enabled === "boolean") automation.checked = c.automation_enabled;
    if (fbSection) {
      fb = normFallback(c.fallback);
      renderFallback();
      const ch = fb.channel_id;
      if (ch && templatesFor !== ch) loadTemplates(ch).then((ok) => { if (ok) renderFallback(); });
    }
    showType();
    dim();
    counters();
  }

  // WhatsApp Fallback state: the saved configuration, normalised so that
  // what the API answers after a save compares equal to what was sent.
  const fbSection = $("fb");
  const normBindings = (xs) => (xs || []).map((v) => (v && v.placeholder ? { placeholder: v.placeholder } : { text: (v && v.text) || "" }));
  const normFallback = (x) => {
    x = x || {};
    return {
      enabled: !!x.enabled, channel_id: Number(x.channel_id) || 0,
      template_type: x.template_type || "", template_category: x.template_category || "",
      template_name: x.template_name || "", template_language: x.template_language || "",
      variables: normBindings(x.variables), header_variables: normBindings(x.header_variables),
      button: x.button && x.button.placeholder ? { placeholder: x.button.placeholder } : null,
    };
  };
  let fb = fbSection ? normFallback(JSON.parse(fbSection.dataset.fallback || "{}")) : null;

  let saved = JSON.stringify(draft());
  let valid = true, busy = false;
  const dirty = () => JSON.stringify(draft()) !== saved;

  function refreshButtons() {
    const d = dirty();
    save.disabled = busy || !valid || !d;
    cancel.disabled = busy || !d;
  }

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle("bad", !!bad);
  }

  function showType() {
    const custom = typeValue() === "custom";
    $("custom-fields").hidden = !custom;
    $("default-fields").hidden = custom;
  }

  function counters() {
    for (const [el, out] of [[body, $("count-body")], [label, $("count-label")]]) {
      const n = chars(el.value), max = Number(el.dataset.max);
      out.textContent = n + " / " + max;
      out.classList.toggle("over", n > max);
    }
  }

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach((p) => { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  }

  // A fallback field is marked invalid only once the admin has left it or
  // pressed Save: choosing a template must not turn its empty variables red.
  const touched = new Set();
  let submitted = false, lastErr = null;
  const isFallbackKey = (k) => k === "fallback" || k.startsWith("fallback.");
  function shown(k) {
    if (!isFallbackKey(k) || submitted || touched.has(k)) return true;
    // The count of variables is shown once any of them was left.
    return /^fallback\.(header_)?variables$/.test(k) && [...touched].some((t) => t.startsWith(k + "."));
  }

  const fieldInput = {
    body: body, button_label: label, language: lang, automation_enabled: automation,
    "fallback.channel_id": $("fb-channel"), "fallback.template_type": $("fb-type"), "fallback.template_category": $("fb-category"),
    "fallback.template_name": $("fb-name"), "fallback.template_language": $("fb-language"), "fallback.button": $("fb-button"),
  };
  const fieldNames = {
    body: T("js.field.body"), button_label: T("js.field.button_label"), language: T("js.field.language"), type: T("js.field.type"),
    automation_enabled: T("js.field.automation_enabled"), fallback: T("js.field.fallback"), "fallback.channel_id": T("js.field.channel_id"),
    "fallback.template_type": T("js.field.template_type"), "fallback.template_category": T("js.field.template_category"),
    "fallback.template_name": T("js.field.template_name"), "fallback.template_language": T("js.field.language"),
    "fallback.variables": T("js.field.variables"), "fallback.button": T("js.field.button"),
    "fallback.header_variables": T("js.field.header") + " · " + T("js.field.variables"),
  };
  const varField = (k) => /^fallback\.(header_)?variables\.(\d+)$/.exec(k);
  const varPrefix = (m) => (m[1] ? "fb-hvar-" : "fb-var-");
  function fieldName(k) {
    const m = varField(k);
    if (m) return (m[1] ? T("js.field.header") + " " : "") + T("js.field.variable", m[2]);
    return fieldNames[k] || k;
  }
  function inputFor(k) {
    const m = varField(k);
    if (!m) return fieldInput[k];
    const src = $(varPrefix(m) + "src-" + m[2]);
    return src && src.value === "placeholder" ? $(varPrefix(m) + "ph-" + m[2]) : $(varPrefix(m) + "text-" + m[2]);
  }

  // showErrors puts each field error beside its field (a fallback field's
  // only once it was left or Save pressed) and explains them all in the
  // preview, one problem a line: the message's under the message, the
  // fallback's under the fallback.
  function showErrors(err) {
    lastErr = err;
    clearErrors();
    const fields = (err && err.fields) || {};
    const main = [], fallback = [];
    for (const [k, v] of Object.entries(fields)) {
      const line = fieldName(k).replace(/:$/, "") + ": " + v;
      (isFallbackKey(k) ? fallback : main).push(line);
      const p = $("err-" + k);
      if (p && shown(k)) {
        p.textContent = fieldName(k) + " " + v;
        p.hidden = false;
        const el = inputFor(k);
        if (el) el.setAttribute("aria-invalid", "true");
      }
    }
    if (!Object.keys(fields).length) main.push((err && err.message) || T("js.not_valid"));
    showProblems(pvInvalid, pvProblems, pvChat, main);
    if (fbPreview) {
      const problems = fb.enabled ? fallback : [];
      if (problems.length) fbPreview.hidden = false;
      showProblems($("fbpv-invalid"), $("fbpv-problems"), $("fbpv-chat"), problems);
    }
    return { main: main, fallback: fallback };
  }

  // showProblems lists problems in box instead of the chat bubble, or when
  // there are none shows the bubble again.
  function showProblems(box, list, chat, problems) {
    list.replaceChildren(...problems.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    box.hidden = problems.length === 0;
    chat.hidden = problems.length > 0;
  }

  async function call(method, url, payload) {
    const res = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401) {
      location.assign("/admin/login?next=" + encodeURIComponent(location.pathname));
    }
    return { status: res.status, ok: res.ok, data: data };
  }

  // Preview: debounced, the newest request wins and older ones are aborted.
  let timer = 0, seq = 0, inflight = null;
  function schedule() {
    counters();
    refreshButtons();
    clearTimeout(timer);
    timer = setTimeout(preview, 120);
  }

  async function render(payload, signal) {
    const res = await fetch(api + "/preview", {
      method: "POST", credentials: "same-origin", signal: signal,
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    return { res: res, data: await res.json().catch(() => null) };
  }

  async function preview() {
    const my = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const signal = inflight.signal;
    let out;
    try {
      out = await render(draft(), signal);
      if (my !== seq) return;
      if (out.res.status === 422 && out.data) {
        const p = showErrors(out.data.error);
        valid = p.main.length === 0;
        // Only the fallback is not ready: the message itself still shows.
        if (valid && fbSection) {
          const plain = await render(Object.assign(draft(), { fallback: { enabled: false } }), signal);
          if (my !== seq) return;
          if (plain.res.ok && plain.data) showMessage(plain.data);
        }
        refreshButtons();
        return;
      }
    } catch (e) {
      if (e.name !== "AbortError") say(T("js.preview_unavailable_because", e.message), true);
      return;
    }
    if (out.res.ok && out.data) {
      lastErr = null;
      clearErrors();
      showProblems(pvInvalid, pvProblems, pvChat, []);
      valid = true;
      showMessage(out.data);
      showFallbackPreview(out.data.fallback);
    } else {
      say((out.data && out.data.error && out.data.error.message) || T("js.preview_unavailable"), true);
    }
    refreshButtons();
  }

  function showMessage(data) {
    pvText.textContent = data.text;
    pvButton.textContent = data.button.label;
    pvButton.title = data.button.url;
  }

  // Choosing Custom with nothing written starts from the default text.
  form.querySelectorAll('input[name="type"]').forEach((r) => r.addEventListener("change", () => {
    if (typeValue() === "custom" && body.value === "" && label.value === "") {
      const l = lang.value === "id" ? "id" : "en";
      body.value = form.dataset["defaultBody" + (l === "id" ? "Id" : "En")] || "";
      label.value = form.dataset["defaultLabel" + (l === "id" ? "Id" : "En")] || "";
    }
    showType();
    schedule();
  }));
  for (const el of [body, label]) el.addEventListener("input", schedule);
  lang.addEventListener("change", schedule);
  if (automation) automation.addEventListener("change", () => { dim(); schedule(); });

  // Placeholder chips insert at the message's cursor, replacing a selection.
  form.querySelectorAll("[data-insert]").forEach((chip) => chip.addEventListener("click", () => {
    const text = chip.dataset.insert;
    const start = body.selectionStart ?? body.value.length, end = body.selectionEnd ?? start;
    body.focus();
    body.setRangeText(text, start, end, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (save.disabled) return;
    submitted = true;
    busy = true;
    refreshButtons();
    say(T("js.saving"));
    const d = draft();
    d.version = version;
    const res = await call("PUT", api, d).catch((err) => ({ status: 0, data: { error: { message: err.message } } }));
    busy = false;
    if (res.ok) {
      applySaved(res.data, T("js.saved", res.data.version));
      return;
    }
    if (res.status === 409) {
      say(T("js.conflict"), true);
    } else if (res.status === 422) {
      valid = false;
      showErrors(res.data.error);
      say(T("js.not_saved", res.data.error.message), true);
    } else {
      say(T("js.not_saved", (res.data && res.data.error && res.data.error.message) || T("js.error_status", res.status)), true);
    }
    refreshButtons();
  });

  function applySaved(c, message) {
    submitted = false;
    touched.clear();
    version = c.version;
    fill(c);
    saved = JSON.stringify(draft());
    valid = true;
    say(message);
    refreshButtons();
    preview();
    loadVersions();
  }

  cancel.addEventListener("click", () => {
    fill(JSON.parse(saved));
    submitted = false;
    touched.clear();
    clearErrors();
    valid = true;
    say(T("js.discarded"));
    refreshButtons();
    preview();
  });

  window.addEventListener("beforeunload", (e) => {
    if (dirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // --- WhatsApp Fallback: Channel → Template Type → Category → Name →
  // Language, built from the channel's templates usable for fallback only,
  // then one row per template variable and the CTA button's path.
  const fbEnabled = $("fb-enabled"), fbFields = $("fb-fields"), fbChannel = $("fb-channel"), fbType = $("fb-type"),
    fbCategory = $("fb-category"), fbName = $("fb-name"), fbLang = $("fb-language"), fbVars = $("fb-vars"),
    fbVarsSet = $("fb-vars-set"), fbBody = $("fb-body"), fbButtonField = $("fb-button-field"), fbButton = $("fb-button"),
    fbButtonHint = $("fb-button-hint");
  const fbPreview = $("fbpv");
  const paths = fbSection ? (fbSection.dataset.paths || "").split(",").filter(Boolean) : [];
  // The variables may take the placeholders of the event: the picker's list.
  const placeholderNames = [...form.querySelectorAll("[data-insert]")].map((c) => c.dataset.insert.replace(/^\{\{|\}\}$/g, ""));
  let channels = null, templates = [], templatesFor = null;
  const uniq = (xs) => [...new Set(xs)];

  // dim marks the fallback as inactive while the Automation toggle is off;
  // its values stay and are saved.
  function dim() {
    if (!fbSection || !automation) return;
    const off = !automation.checked;
    fbSection.classList.toggle("dimmed", off);
    if (off) fbSection.setAttribute("aria-disabled", "true");
    else fbSection.removeAttribute("aria-disabled");
    $("fb-dimmed").hidden = !off;
  }

  // setOptions fills a select with [value, text] pairs after an empty
  // choice; a current value the list lacks is kept, marked when the list is known.
  function setOptions(sel, pairs, current, empty, known) {
    const opts = [];
    if (empty !== null) opts.push(["", empty]);
    opts.push(...pairs.map((p) => (Array.isArray(p) ? p : [p, p])));
    if (current !== "" && !opts.some(([v]) => v === current)) opts.push([current, current + (known ? " (not usable)" : "")]);
    sel.replaceChildren(...opts.map(([v, t]) => {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = t;
      return o;
    }));
    sel.value = current;
  }

  const loaded = () => templatesFor !== null && templatesFor === fb.channel_id;
  const dynamicButton = (t) => (t && (t.buttons || []).find((b) => b.type === "url" && b.dynamic)) || null;
  function selectedTemplate() {
    if (!loaded()) return null;
    return templates.find((t) => t.type === fb.template_type && t.category === fb.template_category &&
      t.name === fb.template_name && t.language === fb.template_language) || null;
  }

  function renderFallback() {
    if (!fbSection) return;
    fbEnabled.checked = fb.enabled;
    fbFields.hidden = !fb.enabled;
    const ch = fb.channel_id ? String(fb.channel_id) : "";
    setOptions(fbChannel, (channels || []).map((c) => [String(c.id), c.name + (c.phone ? " (" + c.phone + ")" : "")]), ch,
      channels === null ? T("js.loading_channels") : channels.length ? T("js.choose_channel") : T("js.no_channel"), channels !== null);
    const known = loaded(), ts = known ? templates : [];
    const ofType = ts.filter((t) => t.type === fb.template_type);
    const ofCat = ofType.filter((t) => t.category === fb.template_category);
    const ofName = ofCat.filter((t) => t.name === fb.template_name);
    const none = known && ts.length === 0 ? T("js.no_template") : T("js.choose_type");
    setOptions(fbType, uniq(ts.map((t) => t.type)), fb.template_type, none, known);
    setOptions(fbCategory, uniq(ofType.map((t) => t.category)), fb.template_category, T("js.choose_category"), known);
    setOptions(fbName, uniq(ofCat.map((t) => t.name)), fb.template_name, T("js.choose_template"), known);
    setOptions(fbLang, uniq(ofName.map((t) => t.language)), fb.template_language, T("js.choose_language"), known);
    fbType.disabled = !fb.channel_id;
    fbCategory.disabled = !fb.template_type;
    fbName.disabled = !fb.template_category;
    fbLang.disabled = !fb.template_name;
    const t = selectedTemplate();
    renderVariables(t);
    renderButton(t);
  }

  // renderVariables shows one row per variable of the template's body
  // (kind "variables", rows fb-var-*) or text header (kind
  // "header_variables", rows fb-hvar-*), each filled with custom text or a
  // placeholder.
  function renderVariables(t) {
    const n = t ? t.variables : fb.template_name ? fb.variables.length : 0;
    const h = t ? t.header_variables || 0 : fb.template_name ? fb.header_variables.length : 0;
    fbVarsSet.hidden = n === 0 && h === 0;
    fbBody.textContent = t ? (t.header ? t.header + "\n\n" : "") + t.body : "";
    fbBody.hidden = !t;
    fbVars.replaceChildren(...variableRows("header_variables", "fb-hvar-", h, T("js.field.header") + " "),
      ...variableRows("variables", "fb-var-", n, ""));
  }

  function variableRows(kind, prefix, n, namePrefix) {
    const rows = [];
    for (let i = 1; i <= n; i++) {
      const b = fb[kind][i - 1] || { text: "" };
      const row = document.createElement("div");
      row.className = "fb-var";
      const name = document.createElement("label");
      name.className = "fb-var-name";
      name.htmlFor = prefix + "src-" + i;
      name.textContent = namePrefix + "{{" + i + "}}";
      const hidden = document.createElement("span");
      hidden.className = "sr-only";
      hidden.textContent = T("js.filled_with");
      name.append(hidden);
      const src = document.createElement("select");
      src.id = prefix + "src-" + i;
      for (const [v, txt] of [["text", T("js.custom_text")], ["placeholder", T("js.placeholder")]]) {
        const o = document.createElement("option");
        o.value = v;
        o.textContent = txt;
        src.append(o);
      }
      src.value = b.placeholder ? "placeholder" : "text";
      const text = document.createElement("input");
      text.id = prefix + "text-" + i;
      text.className = "fb-var-value";
      text.value = b.text || "";
      text.setAttribute("aria-label", namePrefix + T("js.var_custom_text", i));
      const ph = document.createElement("select");
      ph.id = prefix + "ph-" + i;
      ph.className = "fb-var-value";
      ph.setAttribute("aria-label", namePrefix + T("js.var_placeholder", i));
      setOptions(ph, placeholderNames.map((p) => [p, "{{" + p + "}}"]), b.placeholder || "", null, true);
      if (!b.placeholder) ph.value = placeholderNames[0] || "";
      const err = document.createElement("p");
      err.className = "field-error";
      err.id = "err-fallback." + kind + "." + i;
      err.hidden = true;
      for (const el of [src, text, ph]) {
        el.setAttribute("aria-describedby", err.id);
        el.dataset.field = "fallback." + kind + "." + i;
      }
      const show = () => {
        const isText = src.value === "text";
        text.hidden = !isText;
        ph.hidden = isText;
      };
      show();
      const set = () => {
        while (fb[kind].length < i) fb[kind].push({ text: "" });
        fb[kind][i - 1] = src.value === "text" ? { text: text.value } : { placeholder: ph.value };
        schedule();
      };
      src.addEventListener("change", () => { show(); set(); });
      text.addEventListener("input", set);
      ph.addEventListener("change", set);
      row.append(name, src, text, ph, err);
      rows.push(row);
    }
    return rows;
  }

  function renderButton(t) {
    const b = dynamicButton(t);
    fbButtonField.hidden = !b && !(fb.button && !t && fb.template_name);
    setOptions(fbButton, paths.map((p) => [p, "{{" + p + "}}"]), fb.button ? fb.button.placeholder : "", fb.button ? null : T("js.choose_path"), true);
    fbButtonHint.textContent = b ? T("js.button_hint", b.text, b.url.replace(/\/+$/, "")) : "";
  }

  // settle clears the choices the list no longer offers below the one the
  // admin changed, then sizes the variables and the button to the template.
  function settle() {
    if (!loaded()) return;
    const ts = templates;
    const has = (f) => ts.some(f);
    if (!has((t) => t.type === fb.template_type)) fb.template_type = "";
    if (!has((t) => t.type === fb.template_type && t.category === fb.template_category)) fb.template_category = "";
    if (!has((t) => t.type === fb.template_type && t.category === fb.template_category && t.name === fb.template_name)) fb.template_name = "";
    const langs = uniq(ts.filter((t) => t.type === fb.template_type && t.category === fb.template_category && t.name === fb.template_name).map((t) => t.language));
    if (!langs.includes(fb.template_language)) fb.template_language = langs.length === 1 ? langs[0] : "";
    const t = selectedTemplate();
    if (!t) return;
    for (const [kind, n] of [["variables", t.variables], ["header_variables", t.header_variables || 0]]) {
      fb[kind] = fb[kind].slice(0, n);
      while (fb[kind].length < n) fb[kind].push({ text: "" });
    }
    if (!dynamicButton(t)) fb.button = null;
    else if (!fb.button || !paths.includes(fb.button.placeholder)) fb.button = { placeholder: paths[0] };
  }

  async function loadTemplates(channel) {
    const res = await call("GET", storeApi + "/whatsapp/templates?usable=fallback&channel=" + encodeURIComponent(channel)).catch(() => null);
    if (fb.channel_id !== channel) return false; // the admin chose another meanwhile
    templates = res && res.ok ? res.data.templates : [];
    templatesFor = channel;
    if (!res || !res.ok) {
      const p = $("err-fallback.channel_id");
      p.textContent = T("js.templates_not_loaded");
      p.hidden = false;
    }
    return true;
  }

  async function loadFallback() {
    const [chs, credits] = await Promise.all([
      call("GET", storeApi + "/channels").catch(() => null),
      call("GET", storeApi + "/whatsapp/credits").catch(() => null),
    ]);
    channels = chs && chs.ok ? (chs.data.channels || []).filter((c) => c.type === "whatsapp") : [];
    showCredits(credits && credits.ok ? credits.data.balance : null);
    if (fb.channel_id) await loadTemplates(fb.channel_id);
    renderFallback();
  }

  function showCredits(n) {
    const out = $("fb-credits"), warn = $("fb-credits-warn");
    if (n === null || n === undefined) out.textContent = T("js.credits_unreadable");
    else if (n < 0) out.textContent = T("js.credits_unknown");
    else out.textContent = T("js.credits", Number(n).toLocaleString(pageLang));
    warn.hidden = n !== 0;
    out.classList.toggle("bad", n === 0);
  }

  // showFallbackPreview shows the fallback template as the customer gets
  // it, every button of it (static ones too); the button the message
  // records is #fbpv-button.
  function showFallbackPreview(f) {
    if (!fbPreview) return;
    fbPreview.hidden = !(f && fb.enabled);
    showProblems($("fbpv-invalid"), $("fbpv-problems"), $("fbpv-chat"), []);
    if (!f) return;
    $("fbpv-header").textContent = f.header || "";
    $("fbpv-header").hidden = !f.header;
    $("fbpv-text").textContent = f.text;
    const main = f.button || { label: "", url: "" };
    let marked = false;
    $("fbpv-buttons").replaceChildren(...(f.buttons || []).map((b) => {
      const el = document.createElement("span");
      el.className = "pv-button";
      el.textContent = b.label;
      el.title = b.url || "";
      if (!marked && b.label === main.label && b.url === main.url) {
        el.id = "fbpv-button";
        marked = true;
      }
      return el;
    }));
  }

  // Leaving a fallback field marks it, if it is invalid.
  function leave(e) {
    const el = e.target;
    const k = el.dataset.field || Object.keys(fieldInput).find((f) => fieldInput[f] === el);
    if (!k || !isFallbackKey(k) || touched.has(k)) return;
    touched.add(k);
    // Left for Save: the save marks every field; an error appearing now
    // would move the button from under the pointer and lose the click.
    if (e.relatedTarget === save) return;
    if (lastErr) showErrors(lastErr);
  }

  if (fbSection) {
    fbFields.addEventListener("focusout", leave);
    fbEnabled.addEventListener("change", () => {
      fb.enabled = fbEnabled.checked;
      fbFields.hidden = !fb.enabled;
      schedule();
    });
    fbChannel.addEventListener("change", async () => {
      fb.channel_id = Number(fbChannel.value) || 0;
      renderFallback();
      schedule();
      if (fb.channel_id && (await loadTemplates(fb.channel_id))) {
        settle();
        renderFallback();
        schedule();
      }
    });
    for (const [sel, key] of [[fbType, "template_type"], [fbCategory, "template_category"], [fbName, "template_name"], [fbLang, "template_language"]]) {
      sel.addEventListener("change", () => {
        fb[key] = sel.value;
        // Another template: its variables and button are new fields.
        for (const k of [...touched]) if (/^fallback\.((header_)?variables|button)/.test(k)) touched.delete(k);
        settle();
        renderFallback();
        schedule();
      });
    }
    fbButton.addEventListener("change", () => {
      fb.button = fbButton.value ? { placeholder: fbButton.value } : null;
      schedule();
    });
    renderFallback();
  }

  // --- Send test message: the draft, rendered with sample data, to a room
  // of the store, then its delivery followed until it is sent or failed.
  const tsRoom = $("ts-room"), tsSend = $("ts-send"), tsStatus = $("ts-status");
  const channelNames = JSON.parse(form.dataset.channelNames || "{}"); // from msgcenter.ChannelTitles
  const channelName = (t) => channelNames[t] || t;
  let rooms = [];

  function tsSay(text, state) {
    tsStatus.textContent = text;
    tsStatus.dataset.state = state;
    tsStatus.classList.toggle("bad", state === "failed" || state === "error");
  }

  async function loadRooms() {
    const res = await call("GET", storeApi + "/rooms").catch(() => null);
    rooms = res && res.ok ? res.data.rooms || [] : [];
    setOptions(tsRoom, rooms.map((r) => [String(r.id), (r.customer_name || T("js.room", r.id)) + " · " + channelName(r.channel_type)]),
      rooms.length ? String(rooms[0].id) : "", rooms.length ? null : res && res.ok ? T("js.no_rooms") : T("js.rooms_not_loaded"), true);
    tsSend.disabled = !rooms.length;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function follow(id, room) {
    for (let i = 0; i < 150; i++) {
      const res = await call("GET", storeApi + "/deliveries/" + id).catch(() => null);
      const d = res && res.ok ? res.data : null;
      if (d && d.status !== "queued") {
        const to = T("js.room_on", room.customer_name || T("js.room", room.id), channelName(room.channel_type));
        if (d.status === "sent") tsSay(T("js.sent_to", to), "sent");
        else tsSay(T("js.failed_to", to, d.reason_text || d.reason || d.status), "failed");
        return;
      }
      await sleep(i < 20 ? 250 : 1000);
    }
    tsSay(T("js.still_queued"), "queued");
  }

  tsSend.addEventListener("click", async () => {
    const room = rooms.find((r) => String(r.id) === tsRoom.value);
    if (!room) return;
    tsSend.disabled = true;
    tsSay(T("js.sending"), "sending");
    const payload = Object.assign(draft(), { room_id: room.id });
    const res = await call("POST", api + "/test", payload).catch((err) => ({ status: 0, data: { error: { message: err.message } } }));
    if (res.status === 202) {
      tsSay(T("js.queued_for", room.customer_name || T("js.room", room.id)), "queued");
      await follow(res.data.delivery_id, room);
    } else {
      if (res.status === 422) showErrors(res.data.error);
      tsSay(T("js.not_sent", (res.data && res.data.error && res.data.error.message) || T("js.error_status", res.status)), "error");
    }
    tsSend.disabled = false;
  });

  // Versions: newest first, each but the current one with Revert.
  const list = $("version-list");
  const kindText = (c) => c.type === "custom" ? T("js.custom_message") : T("js.default_message", c.language === "id" ? T("js.indonesian") : T("js.english"));

  async function loadVersions() {
    const res = await call("GET", api + "/versions").catch(() => null);
    list.replaceChildren();
    if (!res || !res.ok) {
      const li = document.createElement("li");
      li.className = "field-error";
      li.textContent = T("js.versions_not_loaded");
      list.append(li);
      return;
    }
    res.data.versions.forEach((v, i) => {
      const li = document.createElement("li");
      li.className = "version";
      const info = document.createElement("div");
      const head = document.createElement("strong");
      head.textContent = i === 0 ? T("js.version_current", v.version) : T("js.version", v.version);
      const meta = document.createElement("span");
      meta.className = "muted small";
      const when = new Date(v.created_at);
      meta.textContent = (v.created_by || T("js.system")) + " · " + when.toLocaleString(pageLang);
      const what = document.createElement("span");
      what.className = "small";
      let summary = kindText(v.config);
      if (typeof v.config.automation_enabled === "boolean") summary += " · " + (v.config.automation_enabled ? T("js.automation_on") : T("js.automation_off"));
      what.textContent = summary;
      info.append(head, meta, what);
      li.append(info);
      if (i > 0) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "btn small";
        b.textContent = T("js.revert");
        b.setAttribute("aria-label", T("js.revert_to", v.version));
        b.dataset.version = String(v.version);
        b.addEventListener("click", () => revert({ version: v.version }, T("js.reverted_to", v.version)));
        li.append(b);
      }
      list.append(li);
    });
  }

  async function revert(payload, what) {
    busy = true;
    refreshButtons();
    const res = await call("POST", api + "/revert", payload).catch((err) => ({ status: 0, data: { error: { message: err.message } } }));
    busy = false;
    if (res.ok) {
      applySaved(res.data, T("js.reverted_saved", what, res.data.version));
      return;
    }
    say(T("js.not_reverted", (res.data && res.data.error && res.data.error.message) || T("js.error_status", res.status)), true);
    refreshButtons();
  }
  $("revert-default").addEventListener("click", () => revert({ to: "default" }, T("js.reverted_default")));

  counters();
  dim();
  refreshButtons();
  loadVersions();
  loadRooms();
  if (fbSection) loadFallback();
  // The server rendered the saved message; the API renders it again so a
  // saved message that no longer passes shows its error beside the field.
  preview();
})();

// Share Microsite URL: copy and renew the store's Custom Button URL.
(function () {
  const box = document.getElementById("cb");
  if (!box) return;
  const url = document.getElementById("cb-url"), copy = document.getElementById("cb-copy");
  const copyStatus = document.getElementById("cb-copy-status"), status = document.getElementById("cb-status");
  const say = (el, text, bad) => { el.textContent = text; el.classList.toggle("bad", !!bad); };

  copy.addEventListener("click", async () => {
    let via = "";
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url.value);
        via = "clipboard";
      }
    } catch (e) { via = ""; }
    if (!via) {
      // Without the Clipboard API (plain http, or permission refused):
      // select the text and ask the browser to copy it.
      url.focus();
      url.select();
      try { if (document.execCommand("copy")) via = "execCommand"; } catch (e) { via = ""; }
    }
    copyStatus.dataset.via = via || "none";
    if (via) say(copyStatus, T("js.copied"));
    else say(copyStatus, T("js.copy_failed"), true);
  });

  function show(b) {
    url.value = b.url;
    const auto = document.getElementById("cb-auto");
    auto.textContent = b.auto_created ? T("js.cb_auto", b.label) : T("js.cb_manual");
    auto.className = "cb-auto " + (b.auto_created ? "ok" : "warn");
    document.getElementById("cb-steps").replaceChildren(...b.manual_steps.map((s) => {
      const li = document.createElement("li");
      li.textContent = s;
      return li;
    }));
  }

  // The button's label: the admin's, or "" to follow the store name.
  const labelInput = document.getElementById("cb-label"), labelStatus = document.getElementById("cb-label-status");
  document.getElementById("cb-label-save").addEventListener("click", async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    let res = null, data = null;
    try {
      res = await fetch(box.dataset.label, {
        method: "PUT", credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/json" },
        body: JSON.stringify({ label: labelInput.value }),
      });
      data = await res.json().catch(() => null);
    } catch (err) { data = { error: { message: err.message } }; }
    btn.disabled = false;
    if (res && res.status === 401) location.assign("/admin/login?next=" + encodeURIComponent(location.pathname));
    if (res && res.ok && data) {
      show(data);
      labelInput.value = data.label_set_by_admin ? data.label : "";
      labelInput.removeAttribute("aria-invalid");
      say(labelStatus, data.label_set_by_admin ? T("js.cb_label_saved") : T("js.cb_label_follows"));
    } else {
      const why = (data && data.error && ((data.error.fields && data.error.fields.label) || data.error.message)) || T("js.error_status", res ? res.status : "");
      labelInput.setAttribute("aria-invalid", "true");
      say(labelStatus, T("js.cb_label_not_saved", why), true);
    }
  });

  document.getElementById("cb-rotate").addEventListener("click", async (e) => {
    if (!window.confirm(T("js.renew_confirm"))) return;
    const btn = e.currentTarget;
    btn.disabled = true;
    say(status, T("js.renewing"));
    let res = null, data = null;
    try {
      res = await fetch(box.dataset.rotate, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } });
      data = await res.json().catch(() => null);
    } catch (err) { data = { error: { message: err.message } }; }
    btn.disabled = false;
    if (res && res.status === 401) location.assign("/admin/login?next=" + encodeURIComponent(location.pathname));
    if (res && res.ok && data) {
      show(data);
      say(copyStatus, "");
      say(status, data.auto_created ? T("js.renewed_auto") : T("js.renewed_manual"));
    } else {
      say(status, T("js.not_renewed", (data && data.error && data.error.message) || T("js.error_status", res ? res.status : "")), true);
    }
  });
})();

// On a phone the preview sits above the form and stays in sight as the
// admin scrolls; its button folds it away and back.
(function () {
  const box = document.getElementById("pv"), toggle = document.getElementById("pv-toggle");
  if (!box || !toggle) return;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? toggle.dataset.hide : toggle.dataset.show;
    box.classList.toggle("folded", !open);
  });
})();
