/**
 * What a row of the list can ask of the popup beyond its own callbacks
 * (so far: unpin), handed down through Svelte context by App.svelte. A row
 * (DialogRow.svelte) reads it wherever the list renders it, so the list
 * (DialogList.svelte, which decides which rows exist and how they are laid
 * out) does not have to thread the action through.
 */
import { createContext } from 'svelte';
import type { PinnedDialog } from '../../shared/types';

export interface RowActions {
  /** Unpins the dialog in Bitrix24 (the pushed state then drops its row). */
  unpin(d: PinnedDialog): void;
}

const [getRowActions, setRowActions] = createContext<RowActions>();

/** The row actions (throws when no ancestor provided them). */
export { getRowActions };
/** Provides the row actions to every row below the calling component. */
export { setRowActions };
