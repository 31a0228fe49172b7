// Admin article page: clicking in a sentence fills its "split after character" field
// with the position of the click. Without JavaScript the field is typed by hand.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var words = event.target.closest && event.target.closest(".unit-words");
    if (!words) return;
    var input = document.getElementById(words.dataset.splitInput);
    var selection = window.getSelection();
    if (!input || !selection || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!words.contains(range.startContainer)) return;
    var before = document.createRange();
    before.selectNodeContents(words);
    before.setEnd(range.startContainer, range.startOffset);
    var at = before.toString().length;
    if (at > 0 && at < words.textContent.length) {
      input.value = String(at);
      input.focus();
    }
  });
})();
