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

// Every POST carries a fresh random key: if the load balancer has to resend it to another app server,
// the server carries it out once (core/idempotency.py). Set when the form is sent, so each sending is new.
function newRequestKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
  // The key goes in the address (not the body), on the button's formaction when it has one.
  const button = event.submitter && event.submitter.hasAttribute("formaction") ? event.submitter : null;
  const url = new URL(button ? button.formAction : form.action, window.location.href);
  url.searchParams.set("idempotency_key", newRequestKey());
  if (button) button.formAction = url.href;
  else form.action = url.href;
}, true);
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" && !event.detail.headers["Idempotency-Key"]) {
    event.detail.headers["Idempotency-Key"] = newRequestKey();
  }
});
