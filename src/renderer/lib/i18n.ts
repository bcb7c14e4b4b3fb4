/**
 * The popup's slice of the message catalogues (`src/shared/messages`):
 * what components read as `store.t`. The renderer takes its language from
 * the same {@link pickLang} as the tray and the core.
 */
import type { Lang } from '../../shared/errors';
import { CATALOGUES, type Messages } from '../../shared/messages';

export { pickLang } from '../../shared/messages';

/** The shape of the popup's strings in every language. */
export type Dict = Messages['popup'];

/** The popup's strings per language. */
export const DICTS: Record<Lang, Dict> = { en: CATALOGUES.en.popup, ru: CATALOGUES.ru.popup };
