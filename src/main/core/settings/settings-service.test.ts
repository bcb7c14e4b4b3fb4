import { describe, expect, it, vi } from 'vitest';
import { fakeRegistrar } from '../../../../tests/core/helpers';
import { serviceContext } from '../../../../tests/core/service-context';
import { createSettingsService } from './settings-service';

function setup(opts: { taken?: string[]; autostartFails?: boolean } = {}) {
  const shortcuts = fakeRegistrar({ taken: opts.taken });
  let enabled = false;
  const ctx = serviceContext({
    shortcuts,
    autostart: {
      isEnabled: async () => enabled,
      setEnabled: async (v) => {
        if (opts.autostartFails) throw new Error('no autostart here');
        enabled = v;
      },
    },
  });
  const hooks = { slot: vi.fn(async () => undefined), pollIntervalChanged: vi.fn(), secretStorageChanged: vi.fn() };
  const settings = createSettingsService(ctx, hooks);
  return { ctx, hooks, settings, shortcuts, isEnabled: () => enabled };
}

describe('settings service', () => {
  it('a new poll interval re-plans the polls; other changes do not', async () => {
    const { settings, hooks, ctx } = setup();
    await settings.update({ theme: 'dark' });
    expect(hooks.pollIntervalChanged).not.toHaveBeenCalled();
    await settings.update({ pollIntervalSec: 120 });
    expect(hooks.pollIntervalChanged).toHaveBeenCalledTimes(1);
    expect(settings.current().pollIntervalSec).toBe(120);
    expect(ctx.emitted.filter((e) => e.event === 'settings')).toHaveLength(2);
  });

  it('switching memory-only secrets moves the secrets', async () => {
    const { settings, hooks } = setup();
    await settings.update({ secretsInMemoryOnly: true });
    expect(hooks.secretStorageChanged).toHaveBeenCalledTimes(1);
  });

  it('a hotkey another program holds is rolled back, and the settings store the one that works', async () => {
    const { settings, shortcuts } = setup({ taken: ['CommandOrControl+Alt+P'] });
    settings.applyHotkeys();
    const before = settings.current().hotkeys.togglePopup;
    expect(shortcuts.registered.has(before)).toBe(true);
    await expect(
      settings.update({ hotkeys: { togglePopup: 'CommandOrControl+Alt+P', slots: settings.current().hotkeys.slots } }),
    ).resolves.toBeDefined();
    expect(settings.current().hotkeys.togglePopup).toBe(before);
    expect(settings.view().hotkeys.find((h) => h.id === 'togglePopup')?.error).toBeTruthy();
  });

  it('a slot hotkey flips the slot through the hook', () => {
    const { settings, shortcuts, hooks } = setup();
    settings.applyHotkeys();
    shortcuts.registered.get(settings.current().hotkeys.slots[2]!)!();
    expect(hooks.slot).toHaveBeenCalledWith(3);
  });

  it('launch at login the system refuses is undone and reported', async () => {
    const { settings } = setup({ autostartFails: true });
    await expect(settings.update({ launchAtLogin: true })).rejects.toMatchObject({ code: 'UNKNOWN_ERROR' });
    expect(settings.current().launchAtLogin).toBe(false);
  });
});
