/**
 * Pure time helpers for the popup: snooze presets and short, human
 * "when" strings. Pure so they are unit-tested without a browser.
 */
import type { Lang } from '../../shared/errors';

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

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * A short local "when": `at 18:00` today, `tomorrow at 09:00`, otherwise
 * `12.03 at 09:00` (`12.03 в 09:00` in Russian).
 */
export function formatWhen(epochMs: number, now: Date, lang: Lang): string {
  const d = new Date(epochMs);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const at = lang === 'ru' ? 'в' : 'at';
  if (sameDay(d, now)) return `${lang === 'ru' ? 'сегодня' : 'today'} ${at} ${time}`;
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (sameDay(d, tomorrow)) return `${lang === 'ru' ? 'завтра' : 'tomorrow'} ${at} ${time}`;
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)} ${at} ${time}`;
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
