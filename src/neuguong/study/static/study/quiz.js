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
