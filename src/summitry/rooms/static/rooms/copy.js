/* Copy buttons for join links: [data-copy] names the element whose text is copied. */
(() => {
  "use strict";
  const gettext = window.gettext || ((text) => text);
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = source.textContent.trim();
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = gettext("Copied");
    } catch {
      // No clipboard (plain HTTP): select the link, for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = gettext("Selected: press Ctrl+C");
    }
    setTimeout(() => { button.textContent = label; }, 3000);
  });
})();
