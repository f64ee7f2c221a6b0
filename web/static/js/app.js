// Shopdesk's small page behaviours. No framework and no inline script: the CSP allows only files
// served by the app (script-src 'self').
(function () {
  "use strict";

  // data-confirm on a form (or a submit button) asks before submitting.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var button = ev.submitter;
    var msg = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;

    // [data-dismiss] closes the flash message it sits in.
    var dismiss = t.closest("[data-dismiss]");
    if (dismiss) {
      var flash = dismiss.closest(".flash");
      if (flash) flash.remove();
      return;
    }

    // [data-copy="#id"] copies that element's value or text.
    var copy = t.closest("[data-copy]");
    if (copy) {
      var src = document.querySelector(copy.getAttribute("data-copy"));
      if (!src) return;
      var text = "value" in src ? src.value : src.textContent;
      var done = function () {
        var label = copy.getAttribute("data-copied-label");
        if (!label) return;
        var before = copy.textContent;
        copy.textContent = label;
        window.setTimeout(function () { copy.textContent = before; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.trim()).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(src);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { document.execCommand("copy"); done(); } catch (e) { /* selection stays for Ctrl-C */ }
      }
      return;
    }

    // An open <details class="menu"> closes when the click lands outside it.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(t)) d.removeAttribute("open");
    });
  });

  // Escape closes open menus.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });
})();
