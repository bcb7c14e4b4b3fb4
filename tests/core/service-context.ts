/**
 * A CoreContext for one service's unit tests: an in-memory store, a fake
 * clock, recording stand-ins, real notices; `pushes` counts the state pushes.
 */
import type { AppCoreDeps, CoreContext } from '../../src/main/core/app-core-types';
import { createNotices } from '../../src/main/core/notices/notices';
import { silentLogger } from '../../src/main/core/redact';
import { createAesSecretBox } from '../../dev/aes-secret-box';
import { defaultSettings } from '../../src/main/core/storage/settings';
import type { Settings } from '../../src/shared/types';
import { fakeClock, type FakeClock } from '../support/fake-clock';
import { fakeRegistrar, memoryStore } from './helpers';

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
    options: {},
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
