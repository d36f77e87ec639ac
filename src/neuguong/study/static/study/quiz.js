// Countdown on the quiz page. Only a display: the server keeps the clock and refuses late submissions.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-deadline]");
  if (!box) return;
  const deadline = Date.parse(box.dataset.deadline);
  const out = box.querySelector("[data-remaining]");
  const tick = () => {
    const left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    out.textContent = `${minutes}:${seconds}`;
    if (left === 0) { box.classList.add("text-danger"); return; }
    window.setTimeout(tick, 1000);
  };
  tick();
});

// Before submitting with unanswered questions: say which, and submit only when "Nộp bài" is pressed again.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-quiz]");
  if (!form) return;
  const warning = form.querySelector("[data-quiz-warning]");
  let warned = "";
  form.addEventListener("submit", (event) => {
    const unanswered = [...form.querySelectorAll(".quiz-question")]
      .map((fieldset, i) => (fieldset.querySelector("input:checked") ? null : i + 1))
      .filter((n) => n !== null);
    const key = unanswered.join(",");
    if (!unanswered.length || warned === key) return;
    event.preventDefault();
    warned = key;
    warning.textContent =
      `Còn ${unanswered.length} câu chưa trả lời: câu ${unanswered.join(", ")}. ` +
      "Câu chưa trả lời được tính là sai. Bấm «Nộp bài» lần nữa để nộp, hoặc trả lời tiếp.";
    warning.classList.remove("d-none");
    warning.scrollIntoView({ block: "center" });
    warning.focus();
  });
});
