/**
 * The open-in-Bitrix24 URL policy (moved out of app-core.ts): only the
 * account's own https origin (http on loopback for the fake portal), no
 * credentials in it, and the dialog as `IM_DIALOG` of `/online/`.
 */
import { parseDialogId } from '../../../shared/dialog-id';
import { explain, type Lang } from '../../../shared/errors';
import { isLoopbackHost } from '../bitrix/url';
import type { ExternalOpener } from '../ports';
import type { AccountRecord } from '../storage/schema';
import { CoreError } from '../validate';

export async function openInBitrix(
  deps: { account(id: string): AccountRecord | undefined; opener: ExternalOpener; lang(): Lang },
  accountId: string,
  dialogId: string,
): Promise<void> {
  const lang = deps.lang;
  const rec = deps.account(accountId);
  if (!rec) throw new CoreError('UNKNOWN_ACCOUNT', explain('UNKNOWN_ACCOUNT', lang()), { accountId });
  let origin: URL;
  try {
    origin = new URL(rec.origin);
  } catch {
    throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()));
  }
  const allowed =
    (origin.protocol === 'https:' || (origin.protocol === 'http:' && isLoopbackHost(origin.hostname))) &&
    origin.origin === rec.origin &&
    !origin.username &&
    !origin.password;
  const id = parseDialogId(dialogId);
  if (!allowed || !id) throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()), { accountId, dialogId });
  const url = new URL('/online/', origin);
  url.searchParams.set('IM_DIALOG', id.id);
  if (url.origin !== rec.origin) throw new CoreError('FORBIDDEN_URL', explain('FORBIDDEN_URL', lang()));
  await deps.opener.openExternal(url.href);
}
