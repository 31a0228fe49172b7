/* The annotation page: keyboard labelling, autosave with per-sentence status, sources dialog.
 * Without this script the page still works: every label button and source form posts. */
(function () {
  "use strict";

  const RETRY_MS = [1000, 2000, 5000, 10000, 20000, 30000];

  const form = document.getElementById("ws-form");
  if (!form) { return; }
  // The labels come from the page (annotator.vocabulary): keys 1-4 and each label's initial.
  const KEYS = {};
  form.dataset.labels.split(" ").forEach(function (label, i) {
    KEYS[i + 1] = label;
    KEYS[label.charAt(0)] = label;
  });
  const editable = !form.querySelector("fieldset").disabled;
  const csrf = form.elements.namedItem("csrf_token").value;
  const units = Array.from(form.querySelectorAll(".ws-units > li"));
  const live = document.getElementById("ws-live");
  const bar = document.getElementById("ws-progress");
  const count = document.getElementById("ws-count");
  const submit = document.getElementById("ws-submit");
  const srcDialog = document.getElementById("src-dialog");
  const helpDialog = document.getElementById("help-dialog");
  const saves = new Map();  // unit element -> {saved, inflight, pending, error, tries, timer}
  let current = null;
  let submitWhenReady = false;

  /* ---- focus and movement ---- */

  function number(li) { return units.indexOf(li) + 1; }

  function setCurrent(li, focus) {
    if (!li) { return; }
    if (current && current !== li) {
      current.classList.remove("cur");
      tabbable(current, false);
    }
    current = li;
    li.classList.add("cur");
    tabbable(li, true);
    if (focus !== false) {
      li.focus({ preventScroll: true });
      li.scrollIntoView({ block: "nearest" });
    }
  }

  // Roving tabindex: Tab leaves the sentence list instead of walking every button.
  function tabbable(li, on) {
    li.querySelectorAll(".lb button").forEach((b) => { b.tabIndex = on ? 0 : -1; });
  }

  function nextUnlabelled(from) {
    const start = units.indexOf(from);
    for (let step = 1; step <= units.length; step += 1) {
      const li = units[(start + step) % units.length];
      if (!li.dataset.l) { return li; }
    }
    return null;
  }

  function move(delta) {
    const i = current ? units.indexOf(current) : -1;
    setCurrent(units[Math.min(units.length - 1, Math.max(0, i + delta))]);
  }

  /* ---- labels and saving ---- */

  function state(li) {
    if (!saves.has(li)) {
      saves.set(li, { saved: li.dataset.l || null, inflight: null, pending: null,
                      error: null, tries: 0, timer: null });
    }
    return saves.get(li);
  }

  function busy(s) { return s.inflight !== null || s.pending !== null; }
  function anyBusy() { return Array.from(saves.values()).some(busy); }

  function show(li, label) {
    li.dataset.l = label || "";
    li.querySelectorAll(".lb button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.value.endsWith(":" + label)));
    });
  }

  function choose(li, label, advance) {
    if (!editable) { return; }
    const wasComplete = labelledCount() === units.length;
    show(li, label);
    const s = state(li);
    s.pending = label;
    clearTimeout(s.timer);
    s.timer = null;
    if (s.inflight === null) { send(li); } else { status(li, "saving"); }
    progress();
    if (!advance) { return; }
    const next = nextUnlabelled(li);
    if (next) {
      setCurrent(next);
    } else if (!wasComplete) {
      submitWhenReady = true;
      announce("Every sentence has a label. Submit is in the toolbar.");
      progress();
    } else {
      move(1);
    }
  }

  async function send(li) {
    const s = state(li);
    if (s.pending === null || s.inflight !== null) { return; }
    const label = s.pending;
    s.pending = null;
    s.inflight = label;
    status(li, "saving");
    let response = null;
    let body = {};
    try {
      response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrf },
        body: JSON.stringify({ unit_id: Number(li.id.slice(1)), label: label }),
      });
      body = await response.json().catch(() => ({}));
    } catch (err) {
      response = null;
    }
    s.inflight = null;
    if (response && response.ok) {
      s.saved = label;
      s.error = null;
      s.tries = 0;
      if (s.pending !== null) { send(li); } else { status(li, "saved"); }
    } else {
      failed(li, label, response, body);
    }
    progress();
  }

  // Keep the unsaved choice, say why, and retry unless the server refused for good.
  function failed(li, label, response, body) {
    const s = state(li);
    if (s.pending === null) { s.pending = label; }
    const code = response ? response.status : 0;
    if (code === 401) {
      s.error = "you are logged out; log in again in another tab and it will be retried";
    } else {
      s.error = (body && body.reason) || (code ? "the server answered " + code : "no connection");
    }
    s.tries += 1;
    const final = code === 400 || code === 403 || code === 404 || code === 409;
    if (!final) {
      const wait = RETRY_MS[Math.min(s.tries - 1, RETRY_MS.length - 1)];
      s.timer = setTimeout(() => { s.timer = null; send(li); }, wait);
    }
    status(li, "failed", final ? "" : " Retrying in " + Math.round(
      RETRY_MS[Math.min(s.tries - 1, RETRY_MS.length - 1)] / 1000) + " s.");
    announce("Sentence " + number(li) + " not saved: " + s.error, true);
  }

  function retry(li) {
    const s = state(li);
    clearTimeout(s.timer);
    s.timer = null;
    send(li);
  }

  function status(li, kind, extra) {
    let el = li.querySelector(".ws-st");
    if (!el) {
      el = document.createElement("span");
      li.querySelector(".lb").after(el);
    }
    el.className = "ws-st " + kind;
    el.textContent = "";
    const s = state(li);
    if (kind === "saving") {
      el.textContent = "Saving…";
    } else if (kind === "saved") {
      el.textContent = "Saved";
    } else {
      el.textContent = "Not saved: " + s.error + "." + (extra || "");
      const again = document.createElement("button");
      again.type = "button";
      again.textContent = "Retry";
      again.addEventListener("click", () => retry(li));
      el.appendChild(again);
    }
  }

  function labelledCount() { return units.filter((li) => li.dataset.l).length; }

  function progress() {
    const done = labelledCount();
    bar.value = done;
    count.textContent = done + " / " + units.length;
    if (!submit) { return; }
    const failures = Array.from(saves.values()).some((s) => s.error !== null);
    const ready = done === units.length && !anyBusy() && !failures;
    submit.disabled = !ready;
    if (ready && submitWhenReady) {
      submitWhenReady = false;
      submit.focus();
      announce("Every sentence is labelled and saved. Press Enter to submit, or keep reviewing.");
    }
  }

  function announce(text, bad) {
    live.textContent = text;
    live.classList.toggle("bad", Boolean(bad));
  }

  // Resolve once no save is queued or in flight (failed ones are still pending).
  function settled() {
    return new Promise((resolve) => {
      const check = () => {
        const inflight = Array.from(saves.values()).some((s) => s.inflight !== null);
        if (!inflight) { resolve(); } else { setTimeout(check, 50); }
      };
      check();
    });
  }

  /* ---- sources dialog ---- */

  function openSource(li, editLink) {
    if (!srcDialog || !li) { return; }
    const f = srcDialog.querySelector("form");
    f.reset();
    const el = (name) => f.elements.namedItem(name);
    const heading = srcDialog.querySelector("h2");
    if (editLink) {
      const src = editLink.closest(".src");
      f.action = editLink.href;
      heading.textContent = "Edit source";
      el("url").value = src.dataset.url;
      el("title").value = src.dataset.title;
      el("note").value = src.dataset.note;
      f.querySelectorAll("input[name=stance]").forEach((r) => {
        r.checked = r.value === src.dataset.stance;
      });
    } else {
      f.action = f.dataset.new;
      heading.textContent = "Add a source";
    }
    el("unit_id").value = li.id.slice(1);
    document.getElementById("src-unit").textContent = li.firstElementChild.textContent;
    selfHint();
    srcDialog.showModal();
    el("url").focus();
  }

  // Warn early when the URL is on the article's own outlet (the server flags it for real).
  function selfHint() {
    const hint = document.getElementById("src-self");
    const domain = hint.dataset.domain;
    let host = "";
    try { host = new URL(srcDialog.querySelector("form").elements.namedItem("url").value).hostname; }
    catch (err) { host = ""; }
    hint.hidden = !(domain && host && (host === domain || host.endsWith("." + domain)));
  }

  if (srcDialog) {
    const f = srcDialog.querySelector("form");
    f.elements.namedItem("url").addEventListener("input", selfHint);
    document.getElementById("src-cancel").addEventListener("click", () => srcDialog.close());
    srcDialog.addEventListener("close", () => { if (current) { setCurrent(current); } });
    let confirmed = false;
    f.addEventListener("submit", (event) => {
      if (confirmed || !anyBusy()) { return; }
      event.preventDefault();  // post the source only once pending labels are saved
      settled().then(() => { confirmed = true; HTMLFormElement.prototype.submit.call(f); });
    });
  }

  /* ---- wiring ---- */

  let removing = false;
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.name === "set") {
      event.preventDefault();
      const li = button.closest("li");
      setCurrent(li, false);
      choose(li, button.value.split(":")[1], false);
    } else if (button && button.classList.contains("src-rm") && !removing) {
      event.preventDefault();
      if (window.confirm("Remove this source?")) {
        // Leave the page only once the labels in flight are saved.
        settled().then(() => { removing = true; form.requestSubmit(button); });
      }
    }
  });

  form.addEventListener("focusin", (event) => {
    const li = event.target.closest(".ws-units > li");
    if (li && li !== current) { setCurrent(li, false); }
  });

  form.addEventListener("click", (event) => {
    const edit = event.target.closest(".src-edit");
    if (edit && srcDialog) {
      event.preventDefault();
      const li = edit.closest(".ws-units > li");
      setCurrent(li, false);
      openSource(li, edit);
      return;
    }
    const li = event.target.closest(".ws-units > li");
    if (li && !event.target.closest("button, a")) { setCurrent(li); }
  });

  const addSource = document.getElementById("ws-add-source");
  if (addSource && srcDialog) {
    addSource.addEventListener("click", (event) => {
      event.preventDefault();
      openSource(current || units[0]);
    });
  }

  const helpOpen = document.getElementById("ws-help-open");
  helpOpen.hidden = false;
  helpOpen.addEventListener("click", () => helpDialog.showModal());
  helpDialog.addEventListener("close", () => { if (current) { setCurrent(current); } });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (document.querySelector("dialog[open]")) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    const key = event.key;
    if (key === "?") {
      helpDialog.showModal();
    } else if (key === "j" || key === "ArrowDown") {
      move(1);
    } else if (key === "k" || key === "ArrowUp") {
      move(-1);
    } else if (key === "s" && editable) {
      openSource(current);
    } else if (KEYS[key] && editable && current) {
      choose(current, KEYS[key], true);
    } else {
      return;
    }
    event.preventDefault();
  });

  window.addEventListener("beforeunload", (event) => {
    if (anyBusy()) {
      event.preventDefault();
      event.returnValue = "";  // some labels are not saved yet
    }
  });

  window.addEventListener("online", () => {
    saves.forEach((s, li) => { if (s.pending !== null && s.inflight === null) { retry(li); } });
  });

  // The page leaves these out to stay small: name each button group after its sentence and
  // make every label button a toggle (the page marks only the chosen one).
  units.forEach((li) => {
    const group = li.querySelector(".lb");
    li.firstElementChild.id = "t" + li.id.slice(1);
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", li.firstElementChild.id);
    li.tabIndex = -1;
    tabbable(li, false);
    show(li, li.dataset.l);
  });
  const fromHash = /^#u\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
  setCurrent(fromHash || units.find((li) => !li.dataset.l) || units[0]);
  progress();
}());
