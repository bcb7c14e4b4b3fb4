/**
 * Global hotkeys: the popup toggle and slots 1–9. An accelerator that cannot
 * be registered (taken by another program, invalid, or used twice in the
 * settings) is reported and rolled back to the last one that worked for
 * that id, so the user never ends up without a shortcut (Gitify's rule).
 *
 * Electron's `globalShortcut.register` answers `false` both for a taken
 * accelerator and for one it cannot parse (and the adapter turns a parse
 * throw into `false` too), so the syntax is checked here first, with the
 * same check the settings validation uses: an unparsable accelerator is
 * HOTKEY_INVALID and never reaches the registrar; a well-formed one that
 * fails to register is HOTKEY_TAKEN.
 */
import { explain } from '../../shared/errors';
import type { HotkeyStatus, Settings } from '../../shared/types';
import type { ShortcutRegistrar } from './ports';
import { acceleratorProblem, normalizeAccelerator } from './storage/settings';

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

/** HOTKEY_INVALID in words the user can act on: what is wrong with it, and that nothing was lost. */
function invalidMessage(acc: string): string {
  const why = acceleratorProblem(acc) ?? 'is not accepted by the system';
  return `${explain('HOTKEY_INVALID')} The shortcut ${why}. The previous shortcut was kept.`;
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
      // A registrar that throws could not parse it (a key this platform lacks, though well-formed).
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
      // Not even well-formed: checked before the registrar, whose `false` would wrongly say "taken".
      if (acceleratorProblem(acc) !== null) outcome = 'invalid';
      else if (owner !== undefined) outcome = 'duplicate';
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
          : outcome === 'invalid'
            ? invalidMessage(acc)
            : explain(code);
      errors.set(id, { code, message, wanted: acc });
      const prev = previous.get(id);
      if (prev && !claimedBy.has(normalizeAccelerator(prev)) && tryRegister(id, prev) === 'ok') {
        current.set(id, prev);
        claimedBy.set(normalizeAccelerator(prev), id);
      }
    }

    // On the Wayland portal nobody can say whether the desktop bound it (electron/electron#52218).
    const unconfirmed = registrar.confirmsRegistration === false;
    last = HOTKEY_IDS.map((id) => {
      const acc = current.get(id) ?? '';
      const error = errors.get(id);
      return {
        id,
        accelerator: acc,
        registered: acc !== '',
        ...(unconfirmed && acc !== '' ? { unconfirmed: true as const } : {}),
        ...(error ? { error } : {}),
      };
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
