/**
 * Global hotkeys: the popup toggle and slots 1–9. An accelerator that cannot
 * be registered (taken by another program, invalid, or used twice in the
 * settings) is reported and rolled back to the last one that worked for
 * that id, so the user never ends up without a shortcut (Gitify's rule).
 */
import { ERROR_MESSAGES } from '../../shared/errors';
import type { HotkeyStatus, Settings } from '../../shared/types';
import type { ShortcutRegistrar } from './ports';

/** Hotkey ids in display order: `togglePopup`, `slot1`..`slot9`. */
export const HOTKEY_IDS = ['togglePopup', ...Array.from({ length: 9 }, (_, i) => `slot${i + 1}`)] as const;

export interface HotkeyManager {
  /** Registers what the settings ask for; returns one status per id. */
  apply(hotkeys: Settings['hotkeys']): HotkeyStatus[];
  /** The statuses of the last {@link apply}. */
  statuses(): HotkeyStatus[];
  /** The accelerators actually registered (after rollbacks), in the settings' shape: what to persist. */
  effective(): Settings['hotkeys'];
  /** Unregisters everything. */
  dispose(): void;
}

function wantedOf(hotkeys: Settings['hotkeys'], id: string): string {
  const raw = id === 'togglePopup' ? hotkeys.togglePopup : hotkeys.slots[Number(id.slice(4)) - 1];
  return typeof raw === 'string' ? raw.trim() : '';
}

/** Accelerators compare case-insensitively and ignore modifier order ("Alt+Ctrl+1" = "ctrl+alt+1"). */
export function normalizeAccelerator(acc: string): string {
  const parts = acc
    .split('+')
    .map((p) => p.trim().toLowerCase())
    .map((p) => (p === 'cmdorctrl' ? 'commandorcontrol' : p === 'control' ? 'ctrl' : p === 'cmd' ? 'command' : p));
  const key = parts.pop() ?? '';
  return [...parts.sort(), key].join('+');
}

function label(id: string): string {
  return id === 'togglePopup' ? 'the show/hide popup shortcut' : `slot ${id.slice(4)}`;
}

/** Creates the manager; `actions` are what the shortcuts do. */
export function createHotkeyManager(
  registrar: ShortcutRegistrar,
  actions: { togglePopup(): void; slot(n: number): void },
): HotkeyManager {
  /** id → accelerator currently registered by us. */
  const current = new Map<string, string>();
  let last: HotkeyStatus[] = HOTKEY_IDS.map((id) => ({ id, accelerator: '', registered: false }));

  const callbackFor = (id: string) =>
    id === 'togglePopup' ? () => actions.togglePopup() : () => actions.slot(Number(id.slice(4)));

  function tryRegister(id: string, acc: string): 'ok' | 'taken' | 'invalid' {
    try {
      return registrar.register(acc, callbackFor(id)) ? 'ok' : 'taken';
    } catch {
      // Electron throws on an accelerator it cannot parse.
      return 'invalid';
    }
  }

  function apply(hotkeys: Settings['hotkeys']): HotkeyStatus[] {
    const wanted = new Map<string, string>(HOTKEY_IDS.map((id) => [id, wantedOf(hotkeys, id)]));
    const previous = new Map(current);
    const changedIds = HOTKEY_IDS.filter((id) => (previous.get(id) ?? '') !== wanted.get(id));

    // Phase 1: free what changes, so swapping two shortcuts between slots works.
    for (const id of changedIds) {
      const acc = current.get(id);
      if (acc) registrar.unregister(acc);
      current.delete(id);
    }

    const errors = new Map<string, HotkeyStatus['error']>();
    const claimedBy = new Map<string, string>();
    for (const id of HOTKEY_IDS) {
      const acc = current.get(id);
      if (acc) claimedBy.set(normalizeAccelerator(acc), id);
    }

    // Phase 2: take the new ones; roll back each failure to what worked before.
    for (const id of changedIds) {
      const acc = wanted.get(id) ?? '';
      if (!acc) continue;
      const norm = normalizeAccelerator(acc);
      const owner = claimedBy.get(norm);
      let outcome: 'ok' | 'taken' | 'invalid' | 'duplicate';
      if (owner !== undefined) outcome = 'duplicate';
      else outcome = tryRegister(id, acc);
      if (outcome === 'ok') {
        current.set(id, acc);
        claimedBy.set(norm, id);
        continue;
      }
      const code = outcome === 'invalid' ? 'HOTKEY_INVALID' : 'HOTKEY_TAKEN';
      const message =
        outcome === 'duplicate'
          ? `${acc} is already used by ${label(owner!)}. The previous shortcut was kept.`
          : ERROR_MESSAGES[code].en;
      errors.set(id, { code, message, wanted: acc });
      const prev = previous.get(id);
      if (prev && !claimedBy.has(normalizeAccelerator(prev)) && tryRegister(id, prev) === 'ok') {
        current.set(id, prev);
        claimedBy.set(normalizeAccelerator(prev), id);
      }
    }

    last = HOTKEY_IDS.map((id) => {
      const acc = current.get(id) ?? '';
      const error = errors.get(id);
      return { id, accelerator: acc, registered: acc !== '', ...(error ? { error } : {}) };
    });
    return last.map((s) => ({ ...s }));
  }

  return {
    apply,
    statuses: () => last.map((s) => ({ ...s })),
    effective: () => ({
      togglePopup: current.get('togglePopup') ?? '',
      slots: Array.from({ length: 9 }, (_, i) => current.get(`slot${i + 1}`) ?? ''),
    }),
    dispose() {
      for (const acc of current.values()) registrar.unregister(acc);
      current.clear();
      last = HOTKEY_IDS.map((id) => ({ id, accelerator: '', registered: false }));
    },
  };
}
