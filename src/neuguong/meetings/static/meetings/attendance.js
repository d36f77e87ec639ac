// The attendance sheet: "everyone not marked yet is present" in one click (no inline script: the CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-mark-rest-present]").forEach((button) =>
    button.addEventListener("click", () => {
      button.form.querySelectorAll("select[name^='status_']").forEach((select) => {
        if (!select.value) select.value = "present";
      });
    }));
});
