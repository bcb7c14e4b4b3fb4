/**
 * A CoreContext for one service's unit tests: an in-memory store, a fake
 * clock, recording stand-ins, real notices; `pushes` counts the state pushes.
 * {@link signedInContext} adds the accounts service with one signed-in
 * account whose client lists chats made by {@link recentChat}.
 */
import { vi } from 'vitest';
import { createAccountsService } from '../../src/main/core/accounts/accounts-service';
import type { AppCoreDeps, CoreContext } from '../../src/main/core/app-core-types';
import { createNotices } from '../../src/main/core/notices/notices';
import { silentLogger } from '../../src/main/core/redact';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import type { RecentItem } from '../../src/main/core/bitrix/types';
import type { NewAccount } from '../../src/main/core/storage/accounts';
import { defaultSettings } from '../../src/main/core/storage/settings';
import type { Settings } from '../../src/shared/types';
import { fakeClock, type FakeClock } from '../support/fake-clock';
import { fakeRegistrar, memoryStore, scriptedClient } from './helpers';

export function serviceContext(over: Partial<AppCoreDeps> = {}): CoreContext & {
  clock: FakeClock;
  pushes: () => number;
  emitted: { event: string; payload: unknown }[];
  set(settings: Partial<Settings>): void;
} {
  const clock = fakeClock();
  const store = memoryStore();
  let settings: Settings = defaultSettings();
  let pushes = 0;
  const emitted: { event: string; payload: unknown }[] = [];
  const deps: AppCoreDeps = {
    store,
    secretBox: createAesSecretBox(Buffer.alloc(32, 7)),
    fetch: async () => {
      throw new Error('no network in a service test');
    },
    clock,
    logger: silentLogger,
    shortcuts: fakeRegistrar(),
    autostart: { isEnabled: async () => false, setEnabled: async () => undefined },
    popup: { show: () => undefined, hide: () => undefined, toggle: () => undefined, isVisible: () => false },
    opener: { openExternal: async () => undefined },
    notifier: { notify: () => undefined },
    platform: 'linux',
    version: '1.0.0',
    locale: 'en-US',
    ...over,
  };
  const push = () => void pushes++;
  return {
    deps,
    // As in the core harness (tests/core/harness.ts): a toggle's batch window is open until the
    // fake clock moves, so a test sees the intent queued before it is sent.
    options: { batchWindowMs: 20 },
    random: () => 0,
    settings: () => settings,
    lang: () => 'en',
    push,
    emit: (event, payload) => void emitted.push({ event, payload }),
    notices: createNotices({ store, clock, changed: push }),
    clock,
    pushes: () => pushes,
    emitted,
    set: (patch) => void (settings = { ...settings, ...patch }),
  };
}

/** Anna (user 7) on acme.bitrix24.ru, signed in with an inbound webhook: the account of the service tests. */
export const ANNA: Readonly<NewAccount> = Object.freeze<NewAccount>({
  kind: 'webhook',
  origin: 'https://acme.bitrix24.ru',
  userId: 7,
  userName: 'Anna',
  secret: { kind: 'webhook', url: 'https://acme.bitrix24.ru/rest/7/abcdefghijklmnop/' },
});

/** The pinned group chat `chat<chatId>` as `im.recent.list` lists it, read, with no unread messages; `over` changes any field. */
export function recentChat(chatId: number, over: Partial<RecentItem> = {}): RecentItem {
  return {
    id: `chat${chatId}`,
    chat_id: chatId,
    type: 'chat',
    avatar: { url: '', color: '#4ba984' },
    title: `Chat ${chatId}`,
    message: { id: 1, text: 'hi' },
    counter: 0,
    pinned: true,
    unread: false,
    chat: { id: chatId },
    ...over,
  } as RecentItem;
}

/**
 * A {@link serviceContext} with the accounts service and {@link ANNA} signed in, her client
 * scripted to list `recent`; `notifications` records what the pinned and toggles services announce.
 */
export async function signedInContext(recent: RecentItem[]) {
  const ctx = serviceContext();
  const accounts = createAccountsService(ctx, { onLost: () => undefined });
  const rec = await accounts.store.add(ANNA);
  const client = scriptedClient();
  client.recent = recent;
  accounts.runtime(rec.id).client = client;
  const notifications = { newMessages: vi.fn(), reminder: vi.fn() };
  return { ctx, accounts, id: rec.id, client, notifications };
}
