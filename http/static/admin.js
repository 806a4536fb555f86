// Message Center editor: live preview, save, cancel, versions and revert,
// all through the JSON API (the session cookie authenticates the calls).
// User data is only ever set with textContent, never parsed as HTML.
"use strict";
(function () {
  const form = document.getElementById("mc-form");
  if (!form) return;

  const api = form.dataset.api;
  let version = Number(form.dataset.version);
  const $ = (id) => document.getElementById(id);
  const body = $("mc-body"), label = $("mc-label"), lang = $("mc-language");
  const automation = $("mc-automation");
  const save = $("mc-save"), cancel = $("mc-cancel"), status = $("mc-status");
  const pvText = $("pv-text"), pvButton = $("pv-button"), pvError = $("pv-error"), pvBubble = $("pv-bubble");
  const errorFields = ["type", "language", "body", "button_label", "automation_enabled"];

  const chars = (s) => Array.from(s).length;
  const typeValue = () => (form.querySelector('input[name="type"]:checked') || {}).value || "default";

  function draft() {
    const d = { type: typeValue(), language: lang.value, body: body.value, button_label: label.value };
    if (automation) d.automation_enabled = automation.checked;
    return d;
  }

  function fill(c) {
    form.querySelectorAll('input[name="type"]').forEach((r) => { r.checked = r.value === c.type; });
    lang.value = c.language;
    body.value = c.body || "";
    label.value = c.button_label || "";
    if (automation && typeof c.automation_enabled === "boolean") automation.checked = c.automation_enabled;
    showType();
    counters();
  }

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
    for (const f of errorFields) {
      const p = $("err-" + f);
      if (p) { p.hidden = true; p.textContent = ""; }
    }
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    pvError.hidden = true;
    pvError.textContent = "";
  }

  const fieldInput = { body: body, button_label: label, language: lang, automation_enabled: automation };
  const fieldName = { body: "Message", button_label: "Button label", language: "Language", type: "Message type", automation_enabled: "Automation" };

  // showErrors puts each field error beside its field; errors of fields the
  // form does not have go under the preview.
  function showErrors(err) {
    clearErrors();
    const fields = (err && err.fields) || {};
    const rest = [];
    for (const [k, v] of Object.entries(fields)) {
      const p = $("err-" + k);
      if (p) {
        p.textContent = (fieldName[k] || k) + " " + v;
        p.hidden = false;
        if (fieldInput[k]) fieldInput[k].setAttribute("aria-invalid", "true");
      } else {
        rest.push(k + " " + v);
      }
    }
    if (rest.length || !Object.keys(fields).length) {
      pvError.textContent = rest.length ? rest.join("; ") : (err && err.message) || "The message is not valid.";
      pvError.hidden = false;
    }
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

  async function preview() {
    const my = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    let res;
    try {
      res = await fetch(api + "/preview", {
        method: "POST", credentials: "same-origin", signal: inflight.signal,
        headers: { "Accept": "application/json", "Content-Type": "application/json" },
        body: JSON.stringify(draft()),
      });
    } catch (e) {
      if (e.name !== "AbortError") say("Preview unavailable: " + e.message, true);
      return;
    }
    const data = await res.json().catch(() => null);
    if (my !== seq) return;
    if (res.ok && data) {
      clearErrors();
      valid = true;
      pvText.textContent = data.text;
      pvButton.textContent = data.button.label;
      pvButton.title = data.button.url;
      pvBubble.classList.remove("stale");
    } else if (res.status === 422 && data) {
      valid = false;
      showErrors(data.error);
      pvBubble.classList.add("stale");
    } else {
      say((data && data.error && data.error.message) || "Preview unavailable.", true);
    }
    refreshButtons();
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
  if (automation) automation.addEventListener("change", schedule);

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
    busy = true;
    refreshButtons();
    say("Saving…");
    const d = draft();
    d.version = version;
    const res = await call("PUT", api, d).catch((err) => ({ status: 0, data: { error: { message: err.message } } }));
    busy = false;
    if (res.ok) {
      applySaved(res.data, "Saved as version " + res.data.version + ".");
      return;
    }
    if (res.status === 409) {
      say("This message was changed by someone else. Reload the page to see the latest version before saving.", true);
    } else if (res.status === 422) {
      valid = false;
      showErrors(res.data.error);
      say("Not saved: " + res.data.error.message, true);
    } else {
      say("Not saved: " + ((res.data && res.data.error && res.data.error.message) || "error " + res.status), true);
    }
    refreshButtons();
  });

  function applySaved(c, message) {
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
    clearErrors();
    valid = true;
    say("Changes discarded.");
    refreshButtons();
    preview();
  });

  window.addEventListener("beforeunload", (e) => {
    if (dirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // Versions: newest first, each but the current one with Revert.
  const list = $("version-list");
  const kindText = (c) => c.type === "custom" ? "Custom message" : "Default message (" + (c.language === "id" ? "Indonesian" : "English") + ")";

  async function loadVersions() {
    const res = await call("GET", api + "/versions").catch(() => null);
    list.replaceChildren();
    if (!res || !res.ok) {
      const li = document.createElement("li");
      li.className = "field-error";
      li.textContent = "Versions could not be loaded.";
      list.append(li);
      return;
    }
    res.data.versions.forEach((v, i) => {
      const li = document.createElement("li");
      li.className = "version";
      const info = document.createElement("div");
      const head = document.createElement("strong");
      head.textContent = "Version " + v.version + (i === 0 ? " (current)" : "");
      const meta = document.createElement("span");
      meta.className = "muted small";
      const when = new Date(v.created_at);
      meta.textContent = (v.created_by || "system") + " · " + when.toLocaleString();
      const what = document.createElement("span");
      what.className = "small";
      let summary = kindText(v.config);
      if (typeof v.config.automation_enabled === "boolean") summary += v.config.automation_enabled ? " · automation on" : " · automation off";
      what.textContent = summary;
      info.append(head, meta, what);
      li.append(info);
      if (i > 0) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "btn small";
        b.textContent = "Revert";
        b.setAttribute("aria-label", "Revert to version " + v.version);
        b.dataset.version = String(v.version);
        b.addEventListener("click", () => revert({ version: v.version }, "Reverted to version " + v.version));
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
      applySaved(res.data, what + ", saved as version " + res.data.version + ".");
      return;
    }
    say("Not reverted: " + ((res.data && res.data.error && res.data.error.message) || "error " + res.status), true);
    refreshButtons();
  }
  $("revert-default").addEventListener("click", () => revert({ to: "default" }, "Reverted to the default message"));

  counters();
  refreshButtons();
  loadVersions();
  // The server rendered the saved message; the API renders it again so a
  // saved message that no longer passes shows its error beside the field.
  preview();
})();
