// Rule and policy rows: the value field follows the row's choice. A condition on a field with a
// known set (channel, team, priority…) or an action that picks one (assign a team, set a
// status…) shows its searchable picker; text operators and free-text fields show the text field;
// actions without a value show none. The server renders every control and reads the one named
// for the row's choice, so this only swaps which one is visible.
(function () {
  "use strict";

  function words(el, name) {
    return (el.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  function update(row) {
    var kind = row.getAttribute("data-value-switch");
    var choice = row.querySelector(kind === "cond" ? 'select[name^="cond_field_"]' : 'select[name*="_type_"]');
    var key = choice ? choice.value : "";
    if (kind === "cond") {
      var op = row.querySelector('select[name^="cond_op_"]');
      if (op && words(row, "data-text-ops").indexOf(op.value) >= 0) key = "";
    } else if (words(row, "data-no-value").indexOf(key) >= 0) {
      key = "-";
    }
    var controls = row.querySelectorAll("[data-value-key]");
    var known = false;
    controls.forEach(function (c) { if (c.getAttribute("data-value-key") === key) known = true; });
    if (!known && key !== "-") key = "";
    controls.forEach(function (c) { c.hidden = c.getAttribute("data-value-key") !== key; });
  }

  document.addEventListener("change", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t || t.tagName !== "SELECT" || t.closest("[data-value-key]")) return;
    var row = t.closest("[data-value-switch]");
    if (row) update(row);
  });
})();
