// Small behaviours shared by every page: dismissing flash messages, closing the user menu.
document.addEventListener("click", (event) => {
  const close = event.target.closest(".flash-close");
  if (close) close.closest(".flash").remove();
  const menu = document.querySelector(".usermenu[open]");
  if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
});
