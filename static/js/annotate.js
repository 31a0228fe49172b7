/* The annotation page: keyboard labelling, autosave with per-sentence status, undo and clear,
 * sources added, edited and removed in place.
 * Without this script the page still works: every label button and source form posts.
 * A keypress touches only the sentence it labels and the next one: the counts the toolbar
 * shows are kept as numbers, never recounted over the whole article. */
(function () {
  "use strict";
  performance.mark("annotate-start");  // the bench reads how long the script takes to start

  const RETRY_MS = [1000, 2000, 5000, 10000, 20000, 30000];
  const UNDO_DEPTH = 200;

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
  const units = Array.from(form.querySelectorAll(".ws-chunk > li"));
  const live = document.getElementById("ws-live");
  const bar = document.getElementById("ws-progress");
  const count = document.getElementById("ws-count");
  const submits = [document.getElementById("ws-submit"), document.getElementById("ws-submit-next")]
    .filter(Boolean);
  const undoButton = document.getElementById("ws-undo");
  const srcDialog = document.getElementById("src-dialog");
  const helpDialog = document.getElementById("help-dialog");
  const saves = new Map();  // unit element -> {saved, inflight, pending, error, tries, timer, was}
  const undo = [];          // [{li, before}], newest last
  const NONE = undefined;   // "no save queued"; a label of null clears the sentence
  let current = null;
  let labelled = 0;         // sentences showing a label
  let busy = 0;             // sentences with a save queued or in flight
  let failing = 0;          // sentences whose last save failed
  let submitWhenReady = false;

  /* ---- focus and movement ---- */

  function number(li) { return li.ix + 1; }
  // A unit is its text (p or h1), then the <span> of its label buttons, then status and sources.
  function buttons(li) { return li.children[1]; }

  // Give a sentence its accessible names and toggles the first time it is reached; the page
  // leaves them out to stay small (see the template).
  function prepare(li) {
    if (li.ready) { return; }
    li.ready = true;
    li.tabIndex = -1;  // focusable by script, not a Tab stop
    const group = buttons(li);
    li.firstElementChild.id = "t" + li.id.slice(1);
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", li.firstElementChild.id);
    show(li, li.dataset.l || null);
  }

  function setCurrent(li, focus) {
    if (!li) { return; }
    prepare(li);
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
    Array.from(buttons(li).children).forEach((b) => { b.tabIndex = on ? 0 : -1; });
  }

  // The next sentence without a label, walking on from `from` (wrapping round): usually the
  // very next one, so this touches one or two sentences.
  function nextUnlabelled(from) {
    if (labelled >= units.length) { return null; }
    for (let step = 1; step <= units.length; step += 1) {
      const li = units[(from.ix + step) % units.length];
      if (!li.dataset.l) { return li; }
    }
    return null;
  }

  function move(delta) {
    const i = current ? current.ix : -1;
    setCurrent(units[Math.min(units.length - 1, Math.max(0, i + delta))]);
  }

  /* ---- labels and saving ---- */

  function state(li) {
    let s = saves.get(li);
    if (!s) {
      s = { saved: li.dataset.l || null, inflight: NONE, pending: NONE, error: null, tries: 0,
            timer: null, was: li.dataset.l || null };
      saves.set(li, s);
    }
    return s;
  }

  function isBusy(s) { return s.inflight !== NONE || s.pending !== NONE; }

  // Run a change of one sentence's save state, keeping the busy and failing counts right.
  function track(li, change) {
    const s = state(li);
    const before = [isBusy(s), s.error !== null];
    change(s);
    busy += (isBusy(s) ? 1 : 0) - (before[0] ? 1 : 0);
    failing += (s.error !== null ? 1 : 0) - (before[1] ? 1 : 0);
    return s;
  }

  function show(li, label) {
    const had = Boolean(li.dataset.l);
    li.dataset.l = label || "";
    labelled += (label ? 1 : 0) - (had ? 1 : 0);
    Array.from(buttons(li).children).forEach((b) => {
      b.setAttribute("aria-pressed", String(label !== null && b.name.endsWith(label[0])));
    });
  }

  // Show a label, queue its save, and (for a keypress) move on to the next unlabelled sentence.
  function choose(li, label, advance, isUndo) {
    if (!editable) { return; }
    prepare(li);
    const before = li.dataset.l || null;
    const known = state(li);  // before the label shows: it remembers the label the page had
    if (known.was === null && before !== null && !isUndo) { known.was = before; }
    if (before === label && !isUndo) {
      if (advance) { advanceFrom(li); }
      return;
    }
    if (!isUndo) {
      undo.push({ li: li, before: before });
      if (undo.length > UNDO_DEPTH) { undo.shift(); }
    }
    const wasComplete = labelled === units.length;
    show(li, label);
    const s = track(li, (st) => { st.pending = label; clearTimeout(st.timer); st.timer = null; });
    markChange(li, s);
    if (s.inflight === NONE) { send(li); } else { status(li, "saving"); }
    progress();
    if (advance) { advanceFrom(li, wasComplete); }
  }

  function advanceFrom(li, wasComplete) {
    const next = nextUnlabelled(li);
    if (next) {
      setCurrent(next);
    } else if (wasComplete === false) {
      submitWhenReady = true;
      announce("Every sentence has a label. Submit is in the toolbar.");
      progress();
    } else {
      move(1);
    }
  }

  // A sentence that had a label (when the page opened, or its first one in this visit) and now
  // shows another is marked as changed, so a keypress on the wrong sentence does not go unnoticed.
  function markChange(li, s) {
    const label = li.dataset.l || null;
    const changed = s.was !== null && label !== null && label !== s.was;  // a clear shows itself
    li.classList.toggle("chg", changed);
    if (changed) {
      announce("Sentence " + number(li) + " changed from " + s.was + " to "
               + (label || "no label") + ". Press u to undo.");
    }
  }

  function undoLast() {
    const step = undo.pop();
    if (!step) {
      announce("Nothing to undo in this visit.");
      return;
    }
    setCurrent(step.li);
    choose(step.li, step.before, false, true);
    announce("Undone: sentence " + number(step.li) + " is "
             + (step.before ? "back to " + step.before : "unlabelled again") + ".");
  }

  function clearLabel(li) {
    if (!li || !li.dataset.l) { return; }
    choose(li, null, false);
    announce("Sentence " + number(li) + ": label cleared. Press u to undo.");
  }

  // POST JSON; resolve to [response or null (no connection), its JSON body or {}].
  async function post(url, payload) {
    try {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(payload),
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      });
      return [response, await response.json().catch(() => ({}))];
    } catch (err) {
      return [null, {}];
    }
  }

  async function send(li) {
    const s = state(li);
    if (s.pending === NONE || s.inflight !== NONE) { return; }
    const label = s.pending;
    track(li, (st) => { st.pending = NONE; st.inflight = label; });
    status(li, "saving");
    const [response, body] = await post(form.action, { unit_id: Number(li.id.slice(1)), label: label });
    if (response && response.ok) {
      track(li, (st) => { st.inflight = NONE; st.saved = label; st.error = null; st.tries = 0; });
      if (s.pending !== NONE) { send(li); } else { status(li, "saved"); }
    } else {
      track(li, (st) => { st.inflight = NONE; });
      failed(li, label, response, body);
    }
    progress();
  }

  // Keep the unsaved choice, say why, and retry unless the server refused for good.
  function failed(li, label, response, body) {
    const code = response ? response.status : 0;
    let reason;
    if (code === 401) {
      reason = "you are logged out; log in again in another tab and it will be retried";
    } else {
      reason = (body && body.reason) || (code ? "the server answered " + code : "no connection");
    }
    const s = track(li, (st) => {
      if (st.pending === NONE) { st.pending = label; }
      st.error = reason;
      st.tries += 1;
    });
    // A 4xx stands, but for a lapsed login, a timeout or "too many requests".
    const final = code >= 400 && code < 500 && code !== 401 && code !== 408 && code !== 429;
    const wait = RETRY_MS[Math.min(s.tries - 1, RETRY_MS.length - 1)];
    if (!final) {
      s.timer = setTimeout(() => { s.timer = null; send(li); }, wait);
    }
    status(li, "failed", final ? "" : " Retrying in " + Math.round(wait / 1000) + " s.");
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
      buttons(li).after(el);
    }
    const s = state(li);
    el.className = "ws-st " + kind;
    if (kind === "saving") {
      el.textContent = "Saving…";
    } else if (kind === "saved") {
      const label = s.saved;
      el.textContent = li.classList.contains("chg") ? "Changed, was " + s.was
        : (label ? "Saved" : "Cleared");
    } else {
      el.textContent = "Not saved: " + s.error + "." + (extra || "");
      const again = document.createElement("button");
      again.type = "button";
      again.textContent = "Retry";
      again.addEventListener("click", () => retry(li));
      el.appendChild(again);
    }
  }

  function progress() {
    bar.value = labelled;
    count.textContent = labelled + " / " + units.length;
    if (undoButton) { undoButton.disabled = undo.length === 0; }
    if (!submits.length) { return; }
    const ready = labelled === units.length && busy === 0 && failing === 0;
    submits.forEach((b) => { b.disabled = !ready; });
    if (ready && submitWhenReady) {
      submitWhenReady = false;
      submits[0].focus();
      announce("Every sentence is labelled and saved. Press Enter to submit, or keep reviewing.");
    }
  }

  function announce(text, bad) {
    live.textContent = text;
    live.classList.toggle("bad", Boolean(bad));
  }

  // Resolve once no label save is in flight (failed ones are still pending).
  function settled() {
    return new Promise((resolve) => {
      const check = () => {
        let inflight = false;
        saves.forEach((s) => { if (s.inflight !== NONE) { inflight = true; } });
        if (!inflight) { resolve(); } else { setTimeout(check, 50); }
      };
      check();
    });
  }

  /* ---- sources, in place: the dialog posts JSON and the answer redraws the sentence's list ---- */

  let sourceFor = null;  // the sentence the open dialog adds to or edits for

  function openSource(li, editLink) {
    if (!srcDialog || !li) { return; }
    prepare(li);
    sourceFor = li;
    const f = srcDialog.querySelector("form");
    f.reset();
    const el = (name) => f.elements.namedItem(name);
    const heading = srcDialog.querySelector("h2");
    if (editLink) {
      const src = editLink.closest(".src");
      f.action = editLink.href;
      f.dataset.json = editLink.pathname + ".json";
      heading.textContent = "Edit source";
      el("url").value = src.dataset.url;
      el("title").value = src.dataset.title;
      el("note").value = src.dataset.note;
      f.querySelectorAll("input[name=stance]").forEach((r) => {
        r.checked = r.value === src.dataset.stance;
      });
    } else {
      f.action = f.dataset.new;
      f.dataset.json = form.dataset.srcNew;
      heading.textContent = "Add a source";
    }
    el("unit_id").value = li.id.slice(1);
    document.getElementById("src-unit").textContent = li.firstElementChild.textContent;
    sourceError("");
    selfHint();
    srcDialog.showModal();
    el("url").focus();
  }

  function sourceError(text) {
    const el = document.getElementById("src-error");
    el.textContent = text;
    el.hidden = !text;
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

  // Post a source change as JSON; on success redraw the lists it touched and return focus.
  async function sendSource(url, payload) {
    const [response, body] = await post(url, payload || {});
    if (response && response.ok) {
      Object.keys(body.sources || {}).forEach((unitId) => redrawSources(unitId, body.sources[unitId]));
      return null;
    }
    if (response && response.status === 401) {
      return "You are logged out; log in again in another tab, then save again.";
    }
    return (body && body.reason) || (response ? "The server answered " + response.status + "."
                                               : "No connection; nothing was saved. Try again.");
  }

  function redrawSources(unitId, html) {
    const li = document.getElementById("u" + unitId);
    if (!li) { return; }
    const old = li.querySelector(".srcs");
    if (old) { old.remove(); }
    if (html) {
      const holder = document.createElement("template");
      holder.innerHTML = html;  // rendered and escaped by the server's template
      li.appendChild(holder.content);
    }
  }

  if (srcDialog) {
    const f = srcDialog.querySelector("form");
    f.elements.namedItem("url").addEventListener("input", selfHint);
    document.getElementById("src-cancel").addEventListener("click", () => srcDialog.close());
    srcDialog.addEventListener("close", () => { if (current) { setCurrent(current); } });
    let sending = false;
    f.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (sending) { return; }
      sending = true;
      const el = (name) => f.elements.namedItem(name).value;
      const stance = f.querySelector("input[name=stance]:checked");
      const payload = { unit_id: Number(el("unit_id")), url: el("url").trim(),
                        stance: stance ? stance.value : "", title: el("title"), note: el("note") };
      await settled();  // labels first, in the order the reviewer gave them
      const problem = await sendSource(f.dataset.json, payload);
      sending = false;
      if (problem) {
        sourceError(problem);
        return;
      }
      const li = sourceFor || current;
      srcDialog.close();
      setCurrent(li);
      announce("Source saved for sentence " + number(li) + ".");
    });
  }

  async function removeSource(button) {
    const li = button.closest(".ws-chunk > li");
    if (!window.confirm("Remove this source?")) { return; }
    await settled();
    const problem = await sendSource(button.getAttribute("formaction") + ".json");
    setCurrent(li);
    announce(problem ? "Source not removed: " + problem : "Source removed from sentence "
             + number(li) + ".", Boolean(problem));
  }

  /* ---- wiring ---- */

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.parentElement.matches(".ws-chunk > li > span:first-of-type")) {
      event.preventDefault();
      const li = button.closest("li");
      setCurrent(li, false);
      const label = KEYS[button.name.slice(-1)];  // the name ends with the label's initial
      // A label button is a toggle: pressing the chosen one clears it (phones have no 0 key).
      choose(li, button.getAttribute("aria-pressed") === "true" ? null : label, false);
    } else if (button && button.classList.contains("src-rm")) {
      event.preventDefault();
      removeSource(button);
    }
  });

  form.addEventListener("focusin", (event) => {
    const li = event.target.closest(".ws-chunk > li");
    if (li && li !== current) { setCurrent(li, false); }
  });

  form.addEventListener("click", (event) => {
    const edit = event.target.closest(".src-edit");
    if (edit && srcDialog) {
      event.preventDefault();
      const li = edit.closest(".ws-chunk > li");
      setCurrent(li, false);
      openSource(li, edit);
      return;
    }
    const li = event.target.closest(".ws-chunk > li");
    if (li && !event.target.closest("button, a")) { setCurrent(li); }
  });

  const addSource = document.getElementById("ws-add-source");
  if (addSource && srcDialog) {
    addSource.addEventListener("click", (event) => {
      event.preventDefault();
      openSource(current || units[0]);
    });
  }

  if (undoButton && editable) {
    undoButton.hidden = false;
    undoButton.addEventListener("click", undoLast);
  }

  const helpOpen = document.getElementById("ws-help-open");
  helpOpen.hidden = false;
  helpOpen.addEventListener("click", () => helpDialog.showModal());
  helpDialog.addEventListener("close", () => { if (current) { setCurrent(current); } });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey) { return; }
    if (helpDialog.open || (srcDialog && srcDialog.open)) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    const key = event.key;
    if (event.ctrlKey || event.metaKey) {
      if ((key === "z" || key === "Z") && !event.shiftKey && editable) {
        undoLast();
        event.preventDefault();
      }
      return;
    }
    if (key === "?") {
      helpDialog.showModal();
    } else if (key === "j" || key === "ArrowDown") {
      move(1);
    } else if (key === "k" || key === "ArrowUp") {
      move(-1);
    } else if (key === "s" && editable) {
      openSource(current);
    } else if (key === "u" && editable) {
      undoLast();
    } else if ((key === "0" || key === "Backspace" || key === "Delete") && editable && current) {
      clearLabel(current);
    } else if (KEYS[key] && editable && current) {
      choose(current, KEYS[key], true);
    } else {
      return;
    }
    event.preventDefault();
  });

  window.addEventListener("beforeunload", (event) => {
    if (busy > 0) {
      event.preventDefault();
      event.returnValue = "";  // some labels are not saved yet
    }
  });

  window.addEventListener("online", () => {
    saves.forEach((s, li) => { if (s.pending !== NONE && s.inflight === NONE) { retry(li); } });
  });

  // One light pass over the sentences at load (their place and the count): the page is ready
  // for keys before anything else is touched.
  // Each sentence also gets its place in the whole list: the list comes in blocks (see the
  // template) and a block the browser skips is left out of the accessibility tree, so a
  // screen reader could not count the items before it.
  const setSize = String(units.length);
  units.forEach((li, i) => {
    li.ix = i;
    li.setAttribute("aria-posinset", i + 1);
    li.setAttribute("aria-setsize", setSize);
    if (li.dataset.l) { labelled += 1; }
  });
  // Then, once the page is up, take the buttons of the sentences not reached yet out of the
  // Tab order (roving tabindex: Tab goes from the current sentence on to the next control).
  setTimeout(() => {
    form.querySelectorAll(".ws-chunk > li > span > button").forEach((b) => {
      if (!b.closest("li").classList.contains("cur")) { b.tabIndex = -1; }
    });
  }, 0);
  const fromHash = /^#u\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
  // Mark the first sentence to label at once, but focus and scroll to it only once the page
  // has been laid out for its first paint: no forced layout of the whole article at load.
  const first = fromHash || units.find((li) => !li.dataset.l) || units[0];
  setCurrent(first, false);
  requestAnimationFrame(() => { if (current === first) { setCurrent(first); } });
  progress();
  performance.measure("annotate-init", "annotate-start");
}());
