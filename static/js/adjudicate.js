// Keyboard shortcuts of the adjudication page (templates/adjudication/unit.html): 1-4 choose
// the gold label, r the rationale, Ctrl+Enter saves, n skips, b goes back, ? lists them.
// A plain file (the page's CSP allows no inline script); without it the form works as is.
(function () {
  "use strict";
  const form = document.getElementById("adj-form");
  if (!form) return;
  const radios = Array.from(form.querySelectorAll('input[type="radio"][name="label"]'));
  const rationale = form.querySelector("textarea");
  const help = document.getElementById("adj-help");
  const helpButton = document.getElementById("adj-help-open");
  const skip = document.getElementById("adj-skip");
  const back = document.getElementById("adj-back");

  function openHelp() {
    if (help && typeof help.showModal === "function" && !help.open) help.showModal();
  }
  if (helpButton && help && typeof help.showModal === "function") {
    helpButton.hidden = false;
    helpButton.addEventListener("click", openHelp);
  }

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && target.type !== "radio");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.metaKey) return;
    if (event.key === "Enter" && event.ctrlKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
      return;
    }
    if (help && help.open) return; // the dialog handles Esc itself
    if (typing(event.target)) {
      if (event.key === "Escape" && event.target === rationale) {
        event.preventDefault();
        const chosen = radios.find(function (r) { return r.checked; }) || radios[0];
        if (chosen) chosen.focus();
      }
      return;
    }
    if (event.ctrlKey) return;
    const n = Number(event.key);
    if (Number.isInteger(n) && n >= 1 && n <= radios.length) {
      event.preventDefault();
      radios[n - 1].checked = true;
      radios[n - 1].focus();
    } else if (event.key === "r" && rationale) {
      event.preventDefault();
      rationale.focus();
    } else if (event.key === "n" && skip) {
      event.preventDefault();
      window.location.assign(skip.href);
    } else if (event.key === "b" && back) {
      event.preventDefault();
      window.location.assign(back.href);
    } else if (event.key === "?") {
      event.preventDefault();
      openHelp();
    }
  });
})();
