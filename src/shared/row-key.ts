/**
 * The one row key: a dialog across accounts, `${accountId}/${dialogId}`.
 * It is the popup's row key, the `shown` event's focus, the key of the
 * store's `seen` map and of `Settings.notifyDialogs`.
 */
export function rowKey(d: { readonly accountId: string; readonly dialogId: string }): string {
  return `${d.accountId}/${d.dialogId}`;
}

/**
 * `rowKey(d) === key`, without building the string: the popup's list looks a
 * key up among hundreds of rows on every flip and scroll.
 */
export function hasRowKey(d: { readonly accountId: string; readonly dialogId: string }, key: string): boolean {
  const a = d.accountId;
  return (
    key.length === a.length + 1 + d.dialogId.length &&
    key.charCodeAt(a.length) === 47 && // '/'
    key.startsWith(a) &&
    key.endsWith(d.dialogId)
  );
}
