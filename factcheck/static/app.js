// Small behaviours shared by every page: dismissing flash messages, closing the user menu,
// taking the keyboard to the first field that needs correcting, and showing only the fields
// a bulk action uses (without JavaScript they all show, and the server ignores the others).
document.addEventListener("click", (event) => {
  const close = event.target.closest(".flash-close");
  if (close) close.closest(".flash").remove();
  const menu = document.querySelector(".usermenu[open]");
  if (menu && !menu.contains(event.target)) menu.removeAttribute("open");
});

function showBulkFields(action) {
  const group = action.closest(".bulk-bar, .bulk-rail");
  group.querySelectorAll("[data-bulk-for]").forEach((fields) => {
    fields.hidden = fields.dataset.bulkFor !== action.value;
  });
}

document.addEventListener("change", (event) => {
  if (event.target.matches(".bulk-bar select[name='action'], .bulk-rail select[name='action']")) showBulkFields(event.target);
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".bulk-bar select[name='action'], .bulk-rail select[name='action']").forEach(showBulkFields);
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) {
    const details = invalid.closest("details");
    if (details) details.open = true;
    invalid.focus();
  }
});
