// Nothing typed is lost: what a person types into a form is kept in this browser tab until the
// server has taken the submission. When a submission is refused because the session ended or
// the form's token went stale (the 401 and 400 pages say so with data-keep-drafts), the text
// comes back in the same form after signing in, with a note and a way to discard it.
(() => {
  const store = window.sessionStorage;
  const PREFIX = "factcheck-draft:";
  const PENDING = "factcheck-draft-pending";
  const REFUSED = "refused";

  const draftable = (form) => form.method.toLowerCase() === "post" && !form.hasAttribute("data-no-draft");
  const fieldsOf = (form) =>
    [...form.elements].filter((f) => f.name && f.name !== "csrf_token" &&
      (f.tagName === "TEXTAREA" || (f.tagName === "INPUT" && ["text", "url", "search"].includes(f.type))));
  const formKey = (form) => PREFIX + location.pathname + "|" + (form.getAttribute("action") || location.pathname) + "|";

  document.addEventListener("input", (event) => {
    const form = event.target.form;
    if (!form || !draftable(form) || !fieldsOf(form).includes(event.target)) return;
    try {
      store.setItem(formKey(form) + event.target.name, event.target.value);
    } catch (_full) { /* storage full or off: the form still works */ }
  });

  document.addEventListener("submit", (event) => {
    if (draftable(event.target)) store.setItem(PENDING, formKey(event.target));
  });

  const forget = (prefix) => {
    Object.keys(store).filter((key) => key.startsWith(prefix)).forEach((key) => store.removeItem(key));
  };

  document.addEventListener("DOMContentLoaded", () => {
    const pending = store.getItem(PENDING);
    if (pending && pending !== REFUSED) {
      if (document.body.hasAttribute("data-keep-drafts")) {
        store.setItem(PENDING, REFUSED);  // kept through signing in, until the form is sent again
      } else {
        // The server answered with a page of its own (done, or the form back with what was
        // typed in it): the draft has served its purpose.
        forget(pending);
        store.removeItem(PENDING);
      }
    }
    document.querySelectorAll("form").forEach((form) => {
      if (!draftable(form)) return;
      const key = formKey(form);
      const restored = fieldsOf(form).filter((field) => {
        const draft = store.getItem(key + field.name);
        if (draft === null || draft === field.value || field.value.trim() !== field.defaultValue.trim()) return false;
        field.value = draft;
        return true;
      });
      if (!restored.length) return;
      const details = form.closest("details");
      if (details) details.open = true;
      const note = document.createElement("p");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      note.textContent = "What you typed before has been put back. Submit it again, or ";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "linklike";
      discard.textContent = "discard it";
      discard.addEventListener("click", () => {
        restored.forEach((field) => { field.value = field.defaultValue; });
        forget(key);
        note.remove();
      });
      note.append(discard, ".");
      form.prepend(note);
    });
  });
})();
