// Small behaviours without inline script (the CSP forbids it).

// On a phone a list table shows as cards (app.css): each cell needs its column's heading as data-label.
// Read from the table head once (rowspan/colspan resolved), so templates do not repeat every heading;
// a cell that already has data-label keeps it.
function labelTableCells(root) {
  root.querySelectorAll("table.table").forEach((table) => {
    const head = table.tHead;
    if (!head) return;
    const grid = [];
    Array.from(head.rows).forEach((row, r) => {
      grid[r] = grid[r] || [];
      let c = 0;
      Array.from(row.cells).forEach((cell) => {
        while (grid[r][c] !== undefined) c += 1;
        for (let dr = 0; dr < (cell.rowSpan || 1); dr += 1) {
          grid[r + dr] = grid[r + dr] || [];
          for (let dc = 0; dc < (cell.colSpan || 1); dc += 1) grid[r + dr][c + dc] = cell;
        }
        c += cell.colSpan || 1;
      });
    });
    const width = Math.max(0, ...grid.map((row) => row.length));
    const labels = [];
    for (let c = 0; c < width; c += 1) {
      const parts = [];
      grid.forEach((row) => {
        const cell = row[c];
        const text = cell ? cell.textContent.replace(/\s+/g, " ").trim() : "";
        if (text && !parts.includes(text)) parts.push(text);
      });
      labels.push(parts.join(" — "));
    }
    Array.from(table.tBodies).concat(table.tFoot ? [table.tFoot] : []).forEach((body) => {
      Array.from(body.rows).forEach((row) => {
        let c = 0;
        Array.from(row.cells).forEach((cell) => {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1) cell.setAttribute("data-label", labels[c] || "");
          c += cell.colSpan || 1;
        });
      });
    });
  });
}
labelTableCells(document);
document.addEventListener("htmx:load", (event) => labelTableCells(event.target.parentElement || document));

// "In": a list shown a page at a time opens its print view (?print=1: the whole filtered list, core/paging.py);
// anything else, the print view included, goes to the printer as it is.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (!button) return;
  event.preventDefault();
  if (!document.body.classList.contains("print-view") && document.querySelector("[data-paged]")) {
    const url = new URL(window.location.href);
    url.searchParams.delete("page");
    url.searchParams.set("print", "1");
    window.location.assign(url.href);
  } else {
    window.print();
  }
});

document.addEventListener("DOMContentLoaded", () => {
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
