// Article page: turn a text selection into a "Create claim" button. The article body's visible
// text is exactly the stored body, so counting characters before a point gives its offset.
(function () {
  const body = document.getElementById("article-body");
  const button = document.getElementById("create-claim-floating");
  if (!body || !button || !body.dataset.newClaimUrl) return;

  // Offsets into the text in UTF-16 units, as the DOM counts.
  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(body, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  // The server counts characters (code points); the DOM counts UTF-16 units, in which a character
  // beyond U+FFFF (an emoji, a mathematical letter such as 𝐑) takes two. This is the one place
  // where one becomes the other: every offset sent to the server passes through it.
  function codePointOffset(text, index) {
    const pairs = text.slice(0, index).match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return index - (pairs ? pairs.length : 0);
  }

  // The whole character before or at a UTF-16 index (two units for a surrogate pair).
  function charBefore(text, index) {
    const low = text.charCodeAt(index - 1);
    const pair = index >= 2 && low >= 0xdc00 && low <= 0xdfff && /[\uD800-\uDBFF]/.test(text[index - 2]);
    return text.slice(index - (pair ? 2 : 1), index);
  }
  function charAt(text, index) {
    return index < text.length ? String.fromCodePoint(text.codePointAt(index)) : "";
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
    const word = /^[\p{L}\p{N}'’-]$/u;
    while (start > 0 && word.test(charBefore(text, start)) && word.test(charAt(text, start))) {
      start -= charBefore(text, start).length;
    }
    while (end < text.length && word.test(charAt(text, end)) && word.test(charBefore(text, end))) {
      end += charAt(text, end).length;
    }
    if (end <= start) return null;
    return {
      start: codePointOffset(text, start),
      end: codePointOffset(text, end),
      rect: range.getBoundingClientRect(),
    };
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
  // Highlights are links, but a drag that starts on one selects words as anywhere in the text.
  // draggable="false" (set by the server) is enough for Firefox; Chromium never starts a
  // selection on a link, so the link loses its address while the button is down and gets it
  // back on release, before the click: a plain click still opens the claim.
  body.addEventListener("mousedown", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    link.dataset.href = link.getAttribute("href");
    link.removeAttribute("href");
  });
  function restoreLinks() {
    for (const link of body.querySelectorAll("a[data-href]")) {
      link.setAttribute("href", link.dataset.href);
      delete link.dataset.href;
    }
  }
  window.addEventListener("mouseup", restoreLinks, true);
  window.addEventListener("blur", restoreLinks);
  // The click that ends a selection does not follow the link under it.
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
