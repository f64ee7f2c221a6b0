// Admin form behaviours: the searchable picker and the add/remove rows of repeating fieldsets.
// Progressive enhancement only: every form posts the same fields with JavaScript off.
(function () {
  "use strict";

  var script = document.currentScript;
  function text(name, fallback) {
    return (script && script.getAttribute("data-" + name)) || fallback;
  }
  var seq = 0;

  // ---------------------------------------------------------------------------------------------
  // Picker: select[data-picker] becomes an ARIA 1.2 combobox (an editable input with a listbox
  // popup). The native select stays in the form, hidden, and remains the value that is posted; the
  // picker only mirrors it, so htmx triggers, form resets and no-JS all keep working. Code that sets
  // select.value itself dispatches "change" (or "picker:sync") so the picker shows the new value.
  // ---------------------------------------------------------------------------------------------

  function Picker(select) {
    this.select = select;
    this.multiple = select.multiple;
    this.id = (select.id || "picker") + "-pk" + (++seq);
    this.active = -1;
    this.visible = [];
    this.build();
    this.sync();
  }

  Picker.prototype.build = function () {
    var s = this.select, self = this;
    var wrap = document.createElement("div");
    wrap.className = "picker" + (this.multiple ? " picker-multiple" : "");
    wrap.setAttribute("data-testid", "picker");

    if (this.multiple) {
      this.chips = document.createElement("ul");
      this.chips.className = "picker-chips";
      this.chips.setAttribute("aria-label", text("selected", "Selected"));
      wrap.appendChild(this.chips);
    }

    var input = document.createElement("input");
    input.type = "text";
    input.id = this.id + "-input";
    input.className = "picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.id + "-list");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    if (s.getAttribute("data-testid")) input.setAttribute("data-testid", s.getAttribute("data-testid") + "-input");
    if (s.disabled) input.disabled = true;
    if (this.multiple) input.placeholder = s.getAttribute("data-placeholder") || text("search", "Type to search");
    ["aria-describedby", "aria-invalid", "aria-label", "aria-labelledby", "aria-required"].forEach(function (a) {
      if (s.hasAttribute(a)) input.setAttribute(a, s.getAttribute(a));
    });
    if (s.required) input.setAttribute("aria-required", "true");
    // The select's <label for> now names the input, so clicking the label focuses the combobox.
    // The label in the select's own field wins: a page may repeat a form (and so an id) per row.
    var field = s.closest(".field");
    var own = s.id && field ? field.querySelector('label[for="' + cssEscape(s.id) + '"]') : null;
    var labels = own ? [own] : Array.prototype.slice.call(s.labels || []);
    labels.forEach(function (l) {
      l.htmlFor = input.id;
      if (!l.id) l.id = self.id + "-label";
    });
    this.label = labels[0] || null;
    wrap.appendChild(input);

    var list = document.createElement("ul");
    list.id = this.id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (this.multiple) list.setAttribute("aria-multiselectable", "true");
    var name = input.getAttribute("aria-label");
    if (name) list.setAttribute("aria-label", name);
    else if (input.getAttribute("aria-labelledby")) list.setAttribute("aria-labelledby", input.getAttribute("aria-labelledby"));
    else if (this.label) list.setAttribute("aria-labelledby", this.label.id);
    wrap.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);

    s.classList.add("picker-native");
    s.setAttribute("tabindex", "-1");
    s.setAttribute("aria-hidden", "true");
    s.parentNode.insertBefore(wrap, s.nextSibling);

    this.wrap = wrap;
    this.input = input;
    this.list = list;
    this.status = status;

    input.addEventListener("input", function () { self.open(); self.filter(input.value); });
    input.addEventListener("keydown", function (ev) { self.key(ev); });
    input.addEventListener("keypress", function (ev) {
      if (ev.key === "Enter" && self.swallowEnter) ev.preventDefault();
      self.swallowEnter = false;
    });
    input.addEventListener("keyup", function () { self.swallowEnter = false; });
    input.addEventListener("focus", function () { if (!self.multiple) input.select(); });
    input.addEventListener("click", function () { if (self.list.hidden) { self.open(); self.filter(self.multiple ? input.value : ""); } });
    input.addEventListener("blur", function () {
      // A click on an option blurs the input first; mousedown on the list prevents that blur.
      self.close();
      self.restoreText();
    });
    list.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    list.addEventListener("click", function (ev) {
      var li = ev.target instanceof Element ? ev.target.closest('[role="option"]') : null;
      if (!li || li.getAttribute("aria-disabled") === "true") return;
      self.choose(Number(li.getAttribute("data-index")));
    });
    s.addEventListener("change", function () { self.sync(); });
    s.addEventListener("picker:sync", function () { self.sync(); });
    s.addEventListener("invalid", function () { input.setAttribute("aria-invalid", "true"); input.focus(); });
    if (s.form) s.form.addEventListener("reset", function () { window.setTimeout(function () { self.sync(); }, 0); });
  };

  Picker.prototype.options = function () {
    return Array.prototype.slice.call(this.select.options);
  };

  // sync renders the input text (single) or the chips (multiple) from the select's state.
  Picker.prototype.sync = function () {
    var self = this;
    if (this.multiple) {
      this.chips.textContent = "";
      this.options().forEach(function (o, i) {
        if (!o.selected) return;
        var li = document.createElement("li");
        li.className = "picker-chip";
        var label = document.createElement("span");
        label.textContent = o.textContent;
        var b = document.createElement("button");
        b.type = "button";
        b.className = "picker-chip-remove";
        b.setAttribute("aria-label", text("remove", "Remove {label}").replace("{label}", o.textContent.trim()));
        b.textContent = "×";
        b.disabled = self.select.disabled;
        b.addEventListener("click", function () {
          o.selected = false;
          self.changed();
          self.input.focus();
        });
        li.appendChild(label);
        li.appendChild(b);
        self.chips.appendChild(li);
      });
      this.chips.hidden = !this.chips.children.length;
    } else {
      this.restoreText();
    }
    if (!this.list.hidden) this.filter(this.multiple ? this.input.value : "");
  };

  Picker.prototype.restoreText = function () {
    if (this.multiple) { this.input.value = ""; return; }
    var o = this.select.options[this.select.selectedIndex];
    this.input.value = o ? o.textContent.trim() : "";
  };

  Picker.prototype.open = function () {
    if (this.select.disabled) return;
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  function fold(s) {
    return (s || "").toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  // filter lists the options whose label (or value) contains every typed word.
  Picker.prototype.filter = function (q) {
    var words = fold(q).split(/\s+/).filter(Boolean);
    var self = this;
    this.list.textContent = "";
    this.visible = [];
    var group = null, groupList = null;
    this.options().forEach(function (o, i) {
      var hay = fold(o.textContent + " " + o.value);
      if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) return;
      // An empty-valued option in a multiple select is a placeholder, not a choice.
      if (self.multiple && o.value === "") return;
      var parent = self.list;
      var og = o.parentNode && o.parentNode.tagName === "OPTGROUP" ? o.parentNode : null;
      if (og) {
        if (og !== group) {
          group = og;
          var g = document.createElement("li");
          g.setAttribute("role", "group");
          var gl = document.createElement("span");
          gl.className = "picker-group";
          gl.id = self.id + "-g" + i;
          gl.textContent = og.label;
          g.setAttribute("aria-labelledby", gl.id);
          g.appendChild(gl);
          groupList = document.createElement("ul");
          groupList.setAttribute("role", "none");
          g.appendChild(groupList);
          self.list.appendChild(g);
        }
        parent = groupList;
      } else {
        group = null;
      }
      var li = document.createElement("li");
      li.id = self.id + "-o" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-index", String(i));
      li.setAttribute("aria-selected", o.selected ? "true" : "false");
      if (o.disabled) li.setAttribute("aria-disabled", "true");
      li.textContent = o.textContent;
      parent.appendChild(li);
      self.visible.push(li);
    });
    if (!this.visible.length) {
      var none = document.createElement("li");
      none.className = "picker-empty";
      none.setAttribute("role", "presentation");
      none.textContent = text("no-matches", "No matches");
      this.list.appendChild(none);
    }
    this.status.textContent = words.length ? (this.visible.length ? text("results", "{n} results").replace("{n}", String(this.visible.length)) : text("no-matches", "No matches")) : "";
    // Start on the current choice when nothing is typed, else on the first match.
    var start = 0;
    if (!words.length && !this.multiple) {
      var si = this.select.selectedIndex;
      this.visible.forEach(function (li, k) { if (Number(li.getAttribute("data-index")) === si) start = k; });
    }
    this.move(this.visible.length ? start : -1);
  };

  Picker.prototype.move = function (k) {
    if (this.active >= 0 && this.visible[this.active]) this.visible[this.active].classList.remove("is-active");
    this.active = k;
    if (k < 0 || !this.visible[k]) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    var li = this.visible[k];
    li.classList.add("is-active");
    this.input.setAttribute("aria-activedescendant", li.id);
    if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.choose = function (index) {
    var o = this.select.options[index];
    if (!o || o.disabled) return;
    if (this.multiple) {
      o.selected = !o.selected;
      this.input.value = "";
      this.changed();
      this.filter("");
      this.open();
    } else {
      var was = this.select.selectedIndex;
      this.select.selectedIndex = index;
      this.close();
      this.restoreText();
      if (was !== index) this.changed();
    }
  };

  // changed tells the page (htmx hx-trigger="change", other scripts) the select's value moved.
  Picker.prototype.changed = function () {
    this.select.dispatchEvent(new Event("input", { bubbles: true }));
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    if (this.multiple) this.sync();
  };

  Picker.prototype.key = function (ev) {
    var open = !this.list.hidden;
    switch (ev.key) {
      case "ArrowDown":
        ev.preventDefault();
        if (!open) { this.open(); this.filter(this.multiple ? this.input.value : ""); if (ev.altKey) return; return; }
        if (this.visible.length) this.move(Math.min(this.active + 1, this.visible.length - 1));
        return;
      case "ArrowUp":
        ev.preventDefault();
        if (!open) { this.open(); this.filter(this.multiple ? this.input.value : ""); this.move(this.visible.length - 1); return; }
        if (ev.altKey) { if (this.active >= 0) this.choose(Number(this.visible[this.active].getAttribute("data-index"))); this.close(); return; }
        if (this.visible.length) this.move(Math.max(this.active - 1, 0));
        return;
      case "PageDown":
        if (open && this.visible.length) { ev.preventDefault(); this.move(Math.min(this.active + 10, this.visible.length - 1)); }
        return;
      case "PageUp":
        if (open && this.visible.length) { ev.preventDefault(); this.move(Math.max(this.active - 10, 0)); }
        return;
      case "Enter":
        if (open) {
          // Enter picks the option; it never submits the form while the list is open (keypress is
          // swallowed too, for browsers and drivers that send it regardless).
          ev.preventDefault();
          this.swallowEnter = true;
          if (this.active >= 0) this.choose(Number(this.visible[this.active].getAttribute("data-index")));
        }
        return;
      case "Escape":
        if (open) {
          ev.preventDefault();
          ev.stopPropagation();
          this.close();
          this.restoreText();
        } else if (this.multiple && this.input.value) {
          ev.preventDefault();
          this.input.value = "";
        }
        return;
      case "Tab":
        if (open) { this.close(); this.restoreText(); }
        return;
      case "Backspace":
        if (this.multiple && this.input.value === "") {
          var sel = this.options().filter(function (o) { return o.selected && o.value !== ""; });
          if (sel.length) { sel[sel.length - 1].selected = false; this.changed(); }
        }
        return;
    }
  };

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/"/g, '\\"');
  }

  function enhancePickers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(scope.querySelectorAll("select[data-picker]"));
    if (scope.matches && scope.matches("select[data-picker]")) found.push(scope);
    found.forEach(function (s) {
      if (s.__picker) return;
      s.__picker = new Picker(s);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Repeating rows: a container [data-rows] holds rows [data-row] and a <template data-row-template>.
  // [data-row-add] appends a copy of the template (its "__N__" placeholders become the next free
  // index) and [data-row-remove] removes its row. Without JavaScript the server renders one spare
  // row, so a form can still grow one row per save.
  // ---------------------------------------------------------------------------------------------

  function nextIndex(box) {
    var n = Number(box.getAttribute("data-next") || "0");
    box.querySelectorAll("[data-row]").forEach(function (r) {
      var i = Number(r.getAttribute("data-row"));
      if (!isNaN(i) && i >= n) n = i + 1;
    });
    box.setAttribute("data-next", String(n + 1));
    return n;
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;
    var add = t.closest("[data-row-add]");
    if (add) {
      var box = document.getElementById(add.getAttribute("data-row-add"));
      var tpl = box && box.querySelector("template[data-row-template]");
      if (!tpl) return;
      ev.preventDefault();
      var n = String(nextIndex(box));
      var html = tpl.innerHTML.replace(/__N__/g, n);
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var list = box.querySelector("[data-row-list]") || box;
      var first = null;
      while (holder.firstChild) {
        var node = holder.firstChild;
        list.appendChild(node);
        if (!first && node.nodeType === 1) first = node;
      }
      if (first) {
        enhancePickers(first);
        if (window.htmx) window.htmx.process(first);
        var focus = first.querySelector("input:not([type=hidden]):not(.picker-native), select:not(.picker-native), textarea");
        if (focus) focus.focus();
      }
      return;
    }
    var rm = t.closest("[data-row-remove]");
    if (rm) {
      var row = rm.closest("[data-row]");
      if (!row) return;
      ev.preventDefault();
      var container = row.closest("[data-rows]");
      var addBtn = container && container.id ? document.querySelector('[data-row-add="' + cssEscape(container.id) + '"]') : null;
      row.remove();
      if (addBtn) addBtn.focus();
    }
  });

  function ready() { enhancePickers(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.addEventListener("htmx:load", function (ev) { enhancePickers(ev.target); });
})();
