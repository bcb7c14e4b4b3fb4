/**
 * Settings (moved out of app-core.ts): the stored settings, what changing
 * them does (hotkeys re-applied with a rolled-back accelerator written
 * back, polls re-planned, secrets moved, launch at login set or undone),
 * and the settings view the popup and the tray show.
 */
import type { SettingsPatch, SettingsView, Settings } from '../../../shared/types';
import type { CoreContext } from '../app-core-types';
import { redirectUrlFor } from '../auth/oauth';
import { createHotkeyManager, type HotkeyManager } from '../hotkeys';
import { createSettingsStore } from '../storage/settings';
import { CoreError } from '../validate';

export interface SettingsService {
  readonly hotkeys: HotkeyManager;
  current(): Settings;
  view(): SettingsView;
  /** Registers the hotkeys; an accelerator that had to be rolled back is stored as the one that works. */
  applyHotkeys(): void;
  update(patch: SettingsPatch): Promise<SettingsView>;
  /** Makes launch at login match the settings (start). */
  syncAutostart(): Promise<void>;
}

export function createSettingsService(
  ctx: CoreContext,
  hooks: {
    /** Hotkey slot N was pressed. */
    slot(n: number): Promise<void>;
    pollIntervalChanged(): void;
    secretStorageChanged(): Promise<void>;
  },
): SettingsService {
  const { deps } = ctx;
  const { logger } = deps;
  const settingsStore = createSettingsStore(deps.store);
  let settings = settingsStore.get();

  const hotkeys = createHotkeyManager(deps.shortcuts, {
    togglePopup: () => deps.popup.toggle(),
    slot: (n) => void hooks.slot(n).catch((err) => logger.warn('Slot toggle failed', { error: String(err) })),
  });

  function settingsView(): SettingsView {
    return {
      settings,
      hotkeys: hotkeys.statuses(),
      secretEncryption: deps.secretBox.encryptionAvailable ? 'available' : 'unavailable',
      platform: deps.platform,
      oauthRedirectUrl: redirectUrlFor(settings.oauthRedirectPort),
      version: deps.version,
    };
  }

  function applyHotkeys(): void {
    const statuses = hotkeys.apply(settings.hotkeys);
    // A rolled-back accelerator: store the one that works, so the settings say what the keyboard does.
    const effective = hotkeys.effective();
    const rolledBack = statuses.filter((s) => s.error && s.registered);
    if (rolledBack.length > 0) {
      const next = { togglePopup: settings.hotkeys.togglePopup, slots: [...settings.hotkeys.slots] };
      for (const s of rolledBack) {
        if (s.id === 'togglePopup') next.togglePopup = effective.togglePopup;
        else next.slots[Number(s.id.slice(4)) - 1] = s.accelerator;
      }
      try {
        settings = settingsStore.update({ hotkeys: next });
      } catch (err) {
        logger.warn('Could not store the rolled-back hotkeys', { error: String(err) });
      }
    }
  }

  async function updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    const prev = settings;
    settings = settingsStore.update(patch);
    // Re-applied even when unchanged: saving again retries an accelerator another program has since released.
    if (patch.hotkeys !== undefined) applyHotkeys();
    if (prev.pollIntervalSec !== settings.pollIntervalSec) hooks.pollIntervalChanged();
    if (prev.secretsInMemoryOnly !== settings.secretsInMemoryOnly) await hooks.secretStorageChanged();
    if (prev.launchAtLogin !== settings.launchAtLogin) {
      try {
        await deps.autostart.setEnabled(settings.launchAtLogin);
      } catch (err) {
        logger.warn('Could not change launch at login', { error: String(err) });
        settings = settingsStore.update({ launchAtLogin: prev.launchAtLogin });
        throw new CoreError('UNKNOWN_ERROR', 'Could not change "launch at login" on this system.');
      }
    }
    const view = settingsView();
    ctx.emit('settings', view);
    ctx.push();
    return view;
  }

  async function syncAutostart(): Promise<void> {
    try {
      if ((await deps.autostart.isEnabled()) !== settings.launchAtLogin) {
        await deps.autostart.setEnabled(settings.launchAtLogin);
      }
    } catch (err) {
      logger.warn('Launch at login could not be checked', { error: String(err) });
    }
  }

  return {
    hotkeys,
    current: () => settings,
    view: settingsView,
    applyHotkeys,
    update: updateSettings,
    syncAutostart,
  };
}
