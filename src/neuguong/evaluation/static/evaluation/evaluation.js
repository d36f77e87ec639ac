// Live totals of the score lists (no inline script: the CSP forbids it). The service recomputes and
// checks every figure; this only helps the person typing see the sum as they go.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-score-form]").forEach((form) => {
    const inputs = form.querySelectorAll("input.score-input");
    const totals = form.querySelectorAll("[data-score-total]");
    const update = () => {
      const sums = {};
      let all = 0;
      inputs.forEach((input) => {
        const value = parseFloat((input.value || "").replace(",", "."));
        const area = input.dataset.area || "";
        if (!Number.isNaN(value)) { all += value; sums[area] = (sums[area] || 0) + value; }
        const max = parseFloat(input.dataset.max);
        input.classList.toggle("is-invalid", !Number.isNaN(value) && (value < 0 || value > max));
      });
      totals.forEach((el) => {
        const area = el.dataset.scoreTotal;
        const value = area === "all" ? all : (sums[area] || 0);
        el.textContent = (Math.round(value * 100) / 100).toString().replace(".", ",");
      });
    };
    inputs.forEach((input) => input.addEventListener("input", update));
    update();
  });
});
