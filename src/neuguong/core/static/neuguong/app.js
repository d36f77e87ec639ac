// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((el) => el.addEventListener("click", () => window.print()));
  document.querySelectorAll("form[data-autosubmit] select").forEach((el) =>
    el.addEventListener("change", () => el.form.requestSubmit()));
  document.querySelectorAll("[data-history-back]").forEach((el) => el.addEventListener("click", (event) => {
    if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
  }));
  document.querySelectorAll("[data-confirm]").forEach((el) =>
    el.addEventListener("click", (event) => { if (!window.confirm(el.dataset.confirm)) event.preventDefault(); }));
});
