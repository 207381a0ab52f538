// Small behaviours shared by every page: dismissing flash messages, closing the user menu,
// taking the keyboard to the first field that needs correcting, and showing only the fields
// a bulk action uses (without JavaScript they all show, and the server ignores the others), and
// the tick that selects every claim of a list.
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
  if (event.target.matches(".tick-all")) {
    event.target.closest("table").querySelectorAll("input[name='claim']").forEach((tick) => {
      tick.checked = event.target.checked;
    });
  }
  if (event.target.matches("input[name='claim']")) followTicks(event.target.closest("table"));
});

// The tick that selects every claim shows whether every claim is ticked.
function followTicks(table) {
  const all = table && table.querySelector(".tick-all");
  if (!all) return;
  const ticks = [...table.querySelectorAll("input[name='claim']")];
  all.checked = ticks.length > 0 && ticks.every((tick) => tick.checked);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".bulk-bar select[name='action'], .bulk-rail select[name='action']").forEach(showBulkFields);
  document.querySelectorAll(".tick-all").forEach((tick) => {
    tick.hidden = false;
    followTicks(tick.closest("table"));
  });
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) {
    const details = invalid.closest("details");
    if (details) details.open = true;
    invalid.focus();
  }
});
