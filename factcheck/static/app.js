// Small behaviours shared by every page: dismissing flash messages, closing the user menu,
// and taking the keyboard to the first field that needs correcting.
document.addEventListener("click", (event) => {
  const close = event.target.closest(".flash-close");
  if (close) close.closest(".flash").remove();
  const menu = document.querySelector(".usermenu[open]");
  if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
});

document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) {
    const details = invalid.closest("details");
    if (details) details.open = true;
    invalid.focus();
  }
});
