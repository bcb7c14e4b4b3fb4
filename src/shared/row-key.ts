/**
 * The one row key: a dialog across accounts, `${accountId}/${dialogId}`.
 * It is the popup's row key, the `shown` event's focus, the key of the
 * store's `seen` map and of `Settings.notifyDialogs`.
 */
export function rowKey(d: { readonly accountId: string; readonly dialogId: string }): string {
  return `${d.accountId}/${d.dialogId}`;
}
