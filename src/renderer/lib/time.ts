/**
 * Pure time helpers for the popup: snooze presets and short, human
 * "when" strings. Pure so they are unit-tested without a browser.
 */
import type { Lang } from '../../shared/errors';
import { clockTime, relative, shortDate } from '../../shared/messages/format';
import { DICTS } from './i18n';

/** A "remind me later" choice. */
export interface SnoozePreset {
  id: 'hour' | 'evening' | 'tomorrow';
  until: number;
}

/**
 * The preset reminder times relative to `now` (local time): in one hour;
 * this evening at 18:00 (only while it is still more than 30 minutes away);
 * tomorrow at 09:00.
 */
export function snoozePresets(now: Date): SnoozePreset[] {
  const presets: SnoozePreset[] = [{ id: 'hour', until: now.getTime() + 60 * 60 * 1000 }];
  const evening = new Date(now);
  evening.setHours(18, 0, 0, 0);
  // "This evening" makes no sense at 17:50 or 19:00: offer it only while it is a real wait.
  if (evening.getTime() - now.getTime() > 30 * 60 * 1000) presets.push({ id: 'evening', until: evening.getTime() });
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  presets.push({ id: 'tomorrow', until: tomorrow.getTime() });
  return presets;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dayNumber(d: Date): number {
  // Local calendar days, so a DST change does not make "tomorrow" 23 or 25 hours away.
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
}

/**
 * A short local "when": `today at 18:00`, `tomorrow at 09:00`, otherwise
 * `Mar 12 at 09:00` (`12 мар. в 09:00`). The day words, the date and the
 * clock time come from Intl (RelativeTimeFormat, DateTimeFormat).
 */
export function formatWhen(epochMs: number, now: Date, lang: Lang): string {
  const d = new Date(epochMs);
  const days = dayNumber(d) - dayNumber(now);
  const day = days === 0 || days === 1 ? relative(lang, days, 'day') : shortDate(lang, d);
  return `${day} ${DICTS[lang].at} ${clockTime(lang, d)}`;
}

/** The value for an `<input type="datetime-local">` (local time, minutes). */
export function toDateTimeLocal(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses an `<input type="datetime-local">` value as local time; null when empty or invalid. */
export function fromDateTimeLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), 0, 0);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}
