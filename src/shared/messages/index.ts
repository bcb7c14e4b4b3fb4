/**
 * The message catalogues and the one language detection every part of the
 * app uses (popup, tray, notifications, core notices, errors).
 */
import type { Lang } from '../errors';
import type { Settings } from '../types';
import { en, type Messages } from './en';
import { ru } from './ru';

export type { Messages } from './en';

/** Both catalogues. */
export const CATALOGUES: Readonly<Record<Lang, Messages>> = { en, ru };

/**
 * The language to speak: the Settings choice, or for `system` the locale
 * (a BCP 47 tag such as Electron's `app.getLocale()` or `navigator.language`):
 * Russian for `ru` / `ru-*`, English for everything else.
 */
export function pickLang(setting: Settings['language'] | null | undefined, locale: string | null | undefined): Lang {
  if (setting === 'en' || setting === 'ru') return setting;
  return /^ru(\b|_)/i.test(locale ?? '') ? 'ru' : 'en';
}

/** The catalogue of `lang`. */
export function messages(lang: Lang): Messages {
  return CATALOGUES[lang];
}
