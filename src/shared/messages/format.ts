/**
 * The Intl helpers the catalogues build their sentences with: plural forms
 * (Intl.PluralRules: Russian has one/few/many/other), relative times
 * (Intl.RelativeTimeFormat) and clock times and dates (Intl.DateTimeFormat).
 * The formatters are made once per language and kept.
 */
import type { Lang } from '../errors';

/**
 * The forms of one plural message; `#` stands for the number. `other` is
 * required (Intl's fallback category); Russian messages give one, few and
 * many as well.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let v = cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

/** `forms` for `n` in `lang`: `plural('ru', 21, …)` picks `one`, 22 `few`, 25 `many`. */
export function plural(lang: Lang, n: number, forms: PluralForms): string {
  const rules = cached(`p:${lang}`, () => new Intl.PluralRules(lang));
  return (forms[rules.select(n)] ?? forms.other).replace(/#/g, String(n));
}

/** `amount` units from now, short style: `relative('en', -5, 'second')` → "5 sec. ago"; 0 days → "today". */
export function relative(lang: Lang, amount: number, unit: Intl.RelativeTimeFormatUnit): string {
  return cached(`r:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' })).format(
    amount,
    unit,
  );
}

/** The part of Temporal that {@link zone} asks (the engine's own: Chromium has it, Node 20 does not). */
type TemporalNow = { Now?: { timeZoneId?: () => string } };

/**
 * The time zone local times are shown in now. A DateTimeFormat keeps the zone it was made in, while
 * the engine follows the system's (Chromium's TimeZoneController tells V8 of a change: third_party/
 * blink/renderer/core/timezone/timezone_controller.cc), so the date formatters are kept per zone:
 * after travel a kept one showed the old zone's clock time beside Date's new-zone day.
 *
 * Asked of Temporal where the engine has it: a DateTimeFormat made only to read its zone cost
 * 0.55–0.70 ms (ICU builds its patterns; Node 20 and Chromium 150 on the bench's machine), on every
 * formatted time, so on every state the popup was pushed (the "updated" tooltip); Temporal.Now
 * answers in microseconds, from the same zone (tests/e2e/list.spec.ts changes it under a live popup).
 */
function zone(): string {
  const now = (globalThis as { Temporal?: TemporalNow }).Temporal?.Now;
  return now?.timeZoneId?.() ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The local clock time, 24-hour: "09:05". */
export function clockTime(lang: Lang, d: Date): string {
  return cached(
    `t:${lang}:${zone()}`,
    () => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  ).format(d);
}

/** A short local date without the year: "Mar 14", "14 мар.". */
export function shortDate(lang: Lang, d: Date): string {
  return cached(`d:${lang}:${zone()}`, () => new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short' })).format(
    d,
  );
}

/** A full local date and time: "Dec 1, 2026, 13:09:05", "1 дек. 2026 г., 13:09:05". */
export function dateTime(lang: Lang, d: Date): string {
  return cached(
    `f:${lang}:${zone()}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' }),
  ).format(d);
}
