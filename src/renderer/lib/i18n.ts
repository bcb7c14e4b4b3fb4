/**
 * The popup's slice of the message catalogues (`src/shared/messages`):
 * what components read as `store.t`. The renderer takes its language from
 * the same {@link pickLang} as the tray and the core.
 */
import type { Lang } from '../../shared/errors';
import type { Messages } from '../../shared/messages';
// The sections, not the whole catalogues: the popup bundle carries no tray or notification text.
import { popup as en } from '../../shared/messages/en';
import { popup as ru } from '../../shared/messages/ru';

export { pickLang } from '../../shared/messages';

/** The shape of the popup's strings in every language. */
export type Dict = Messages['popup'];

/** The popup's strings per language. */
export const DICTS: Record<Lang, Dict> = { en, ru };
