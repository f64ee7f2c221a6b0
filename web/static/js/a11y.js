// File inputs sit behind a label in the reader's language; this shows the chosen files' names
// beside it (the native input would say "No file chosen" in the browser's language).
(() => {
  "use strict";
  document.addEventListener("change", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || !input.matches("[data-file-input]")) return;
    const out = input.closest("label")?.querySelector("[data-file-names]");
    if (!out) return;
    const names = [...(input.files || [])].map((f) => f.name);
    out.textContent = names.length ? names.join(", ") : out.dataset.none || "";
    out.title = out.textContent;
  });
  // A sent reply resets the form: say again that nothing is chosen.
  document.addEventListener("reset", (e) => {
    for (const out of e.target.querySelectorAll?.("[data-file-names]") || []) {
      out.textContent = out.dataset.none || "";
      out.title = "";
    }
  });
})();
