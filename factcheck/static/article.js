// Article page: turn a text selection into a "Create claim" button. The article body's visible
// text is exactly the stored body, so counting characters before a point gives its offset.
(function () {
  const body = document.getElementById("article-body");
  const button = document.getElementById("create-claim-floating");
  if (!body || !button || !body.dataset.newClaimUrl) return;

  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(body, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function currentSpan() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    const text = body.textContent;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    // A drag that starts or ends inside a word takes the whole word.
    const word = /[\p{L}\p{N}'’-]/u;
    while (start > 0 && word.test(text[start - 1]) && word.test(text[start])) start--;
    while (end < text.length && word.test(text[end]) && word.test(text[end - 1])) end++;
    if (end <= start) return null;
    return { start, end, rect: range.getBoundingClientRect() };
  }

  function update() {
    const span = currentSpan();
    if (!span) {
      button.hidden = true;
      return;
    }
    button.dataset.start = span.start;
    button.dataset.end = span.end;
    // Above the selection, where it hides nothing being read (below on the first lines).
    const above = span.rect.top > 56;
    button.style.top = `${window.scrollY + (above ? span.rect.top - 44 : span.rect.bottom + 8)}px`;
    button.style.left = `${window.scrollX + Math.max(8, span.rect.left)}px`;
    button.hidden = false;
  }

  document.addEventListener("selectionchange", () => window.requestAnimationFrame(update));
  // A click on a highlight that is part of a selection should not follow its link.
  body.addEventListener("click", (event) => {
    if (!window.getSelection().isCollapsed && event.target.closest("a")) event.preventDefault();
  });
  button.addEventListener("mousedown", (event) => event.preventDefault());
  button.addEventListener("click", () => {
    const url = new URL(body.dataset.newClaimUrl, window.location.href);
    url.searchParams.set("start", button.dataset.start);
    url.searchParams.set("end", button.dataset.end);
    window.location.assign(url.toString());
  });
})();
