// Search-as-you-type pickers (core/widgets.py PickerWidget): choose records by name, never by code.
// HTMX fetches the options; this script turns a click or Enter on an option into a hidden input.
(() => {
  "use strict";

  function chip(picker, value, label, detail) {
    const name = picker.dataset.name;
    const li = document.createElement("li");
    li.className = "picker-chip";
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.value = value;
    const text = document.createElement("span");
    text.textContent = label;
    if (detail) {
      const small = document.createElement("small");
      small.className = "text-muted";
      small.textContent = " — " + detail;
      text.appendChild(small);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-sm";
    remove.setAttribute("aria-label", "Bỏ chọn " + label);
    remove.dataset.pickerRemove = "";
    li.append(hidden, text, remove);
    return li;
  }

  function close(picker) {
    const results = picker.querySelector("[data-picker-results]");
    const input = picker.querySelector("[data-picker-input]");
    results.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(picker, option) {
    const chosen = picker.querySelector("[data-picker-chosen]");
    const input = picker.querySelector("[data-picker-input]");
    const value = option.dataset.value;
    if (!picker.hasAttribute("data-multiple")) chosen.replaceChildren();
    if (![...chosen.querySelectorAll("input")].some((i) => i.value === value)) {
      chosen.appendChild(chip(picker, value, option.dataset.label, option.dataset.detail));
    }
    input.value = "";
    close(picker);
    input.focus();
    picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
  }

  function options(picker) {
    return [...picker.querySelectorAll(".picker-option")];
  }

  function move(picker, step) {
    const all = options(picker);
    if (!all.length) return;
    const input = picker.querySelector("[data-picker-input]");
    let index = all.findIndex((o) => o.classList.contains("active")) + step;
    index = (index + all.length) % all.length;
    all.forEach((o, i) => {
      o.classList.toggle("active", i === index);
      o.setAttribute("aria-selected", i === index ? "true" : "false");
      if (!o.id) o.id = input.id + "_opt" + i;
    });
    input.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", (event) => {
    const option = event.target.closest(".picker-option");
    if (option) {
      choose(option.closest("[data-picker]"), option);
      return;
    }
    const remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      const picker = remove.closest("[data-picker]");
      remove.closest("li").remove();
      picker.querySelector("[data-picker-input]").focus();
      picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
      return;
    }
    document.querySelectorAll("[data-picker]").forEach((picker) => {
      if (!picker.contains(event.target)) close(picker);
    });
  });

  document.addEventListener("keydown", (event) => {
    const input = event.target.closest && event.target.closest("[data-picker-input]");
    if (!input) return;
    const picker = input.closest("[data-picker]");
    if (event.key === "ArrowDown") { event.preventDefault(); move(picker, 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(picker, -1); }
    else if (event.key === "Escape") { close(picker); }
    else if (event.key === "Enter") {
      // Enter in the search box chooses the highlighted (or only) option instead of submitting the form.
      const all = options(picker);
      const active = all.find((o) => o.classList.contains("active")) || (all.length === 1 ? all[0] : null);
      if (active || all.length) { event.preventDefault(); }
      if (active) choose(picker, active);
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const results = event.target.closest && event.target.closest("[data-picker-results]");
    if (!results) return;
    const input = results.closest("[data-picker]").querySelector("[data-picker-input]");
    input.setAttribute("aria-expanded", results.children.length ? "true" : "false");
  });

  // A filter form (GET) that holds pickers is submitted again when a choice changes.
  document.addEventListener("picker:change", (event) => {
    const form = event.target.closest("form[data-autosubmit]");
    if (form) form.requestSubmit();
  });
})();
