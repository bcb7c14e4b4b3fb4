/**
 * Whether the focus was lost: it is on nothing, or on the page itself. Chromium leaves it there
 * when the focused element is removed: a row that went with the list, a button that went with
 * what it acted on. Arrows and Tab then start again from the top of the page.
 */
export function focusLost(doc: Document = document): boolean {
  const current = doc.activeElement;
  return current === null || current === doc.body;
}

/** Focuses `el` if the focus was lost ({@link focusLost}): a screen taking the place of the one that held it. */
export function takeLostFocus(el: HTMLElement | null): void {
  if (el && focusLost(el.ownerDocument)) el.focus();
}
