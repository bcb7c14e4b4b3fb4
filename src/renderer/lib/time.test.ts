import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatWhen, fromDateTimeLocal, snoozePresets, toDateTimeLocal } from './time';

describe('snoozePresets', () => {
  it('offers an hour, this evening and tomorrow morning during the day', () => {
    const now = new Date(2026, 2, 10, 11, 15);
    const p = snoozePresets(now);
    expect(p.map((x) => x.id)).toEqual(['hour', 'evening', 'tomorrow']);
    expect(new Date(p[0]!.until)).toEqual(new Date(2026, 2, 10, 12, 15));
    expect(new Date(p[1]!.until)).toEqual(new Date(2026, 2, 10, 18, 0));
    expect(new Date(p[2]!.until)).toEqual(new Date(2026, 2, 11, 9, 0));
  });

  it('drops "this evening" when it is past or too close, and rolls tomorrow across a month end', () => {
    const p = snoozePresets(new Date(2026, 0, 31, 17, 45));
    expect(p.map((x) => x.id)).toEqual(['hour', 'tomorrow']);
    expect(new Date(p[1]!.until)).toEqual(new Date(2026, 1, 1, 9, 0));
  });
});

describe('formatWhen', () => {
  const now = new Date(2026, 2, 10, 11, 15);
  it('says today / tomorrow / a date, in both languages', () => {
    expect(formatWhen(new Date(2026, 2, 10, 18, 0).getTime(), now, 'en')).toBe('today at 18:00');
    expect(formatWhen(new Date(2026, 2, 11, 9, 5).getTime(), now, 'ru')).toBe('завтра в 09:05');
    expect(formatWhen(new Date(2026, 2, 10, 7, 0).getTime(), now, 'ru')).toBe('сегодня в 07:00');
    // Other days: a short date from Intl.DateTimeFormat in the popup's language.
    expect(formatWhen(new Date(2026, 2, 14, 9, 0).getTime(), now, 'en')).toBe('Mar 14 at 09:00');
    expect(formatWhen(new Date(2026, 2, 14, 21, 30).getTime(), now, 'ru')).toBe('14 мар. в 21:30');
  });

  it('counts calendar days, across a month end', () => {
    const late = new Date(2026, 0, 31, 23, 50);
    expect(formatWhen(new Date(2026, 1, 1, 0, 10).getTime(), late, 'en')).toBe('tomorrow at 00:10');
    expect(formatWhen(new Date(2026, 1, 2, 0, 10).getTime(), late, 'en')).toBe('Feb 2 at 00:10');
  });
});

describe('snoozePresets across a change of the clocks', () => {
  afterEach(() => void vi.unstubAllEnvs());
  const local = (ms: number) => new Date(ms).toString().slice(0, 24);

  it('"tomorrow" is 09:00 local time across the DST nights, also where midnight does not exist', () => {
    vi.stubEnv('TZ', 'Europe/Berlin'); // 02:00 → 03:00 on Mar 29, 03:00 → 02:00 on Oct 25 2026
    expect(local(snoozePresets(new Date(2026, 2, 28, 20, 0)).at(-1)!.until)).toBe('Sun Mar 29 2026 09:00:00');
    expect(snoozePresets(new Date(2026, 2, 28, 20, 0)).at(-1)!.until - new Date(2026, 2, 28, 20, 0).getTime()).toBe(
      12 * 3600_000,
    );
    expect(local(snoozePresets(new Date(2026, 9, 24, 23, 30)).at(-1)!.until)).toBe('Sun Oct 25 2026 09:00:00');
    vi.stubEnv('TZ', 'America/Santiago'); // Sep 6 2026 starts at 01:00: its midnight does not exist
    expect(local(snoozePresets(new Date(2026, 8, 5, 23, 30)).at(-1)!.until)).toBe('Sun Sep 06 2026 09:00:00');
    expect(local(snoozePresets(new Date(2026, 8, 5, 0, 30)).at(-1)!.until)).toBe('Sun Sep 06 2026 09:00:00');
    vi.stubEnv('TZ', 'Pacific/Apia'); // Dec 30 2011 was skipped: tomorrow from the 29th is the 31st
    expect(local(snoozePresets(new Date(2011, 11, 29, 20, 0)).at(-1)!.until)).toBe('Sat Dec 31 2011 09:00:00');
  });
});

describe('after the time zone changes (travel)', () => {
  // Setting TZ makes V8 read the zone again, as Chromium's TimeZoneController has it do on a change.
  afterEach(() => void vi.unstubAllEnvs());

  it('a reminder reads in the new local time, its day and its clock time alike', () => {
    const at = Date.UTC(2026, 2, 11, 6, 0); // 09:00 in Moscow, 06:00 in London
    const now = Date.UTC(2026, 2, 10, 12, 0);
    vi.stubEnv('TZ', 'Europe/Moscow');
    expect(formatWhen(at, new Date(now), 'en')).toBe('tomorrow at 09:00');
    expect(formatWhen(at + 86_400_000, new Date(now), 'ru')).toBe('12 мар. в 09:00');
    vi.stubEnv('TZ', 'Europe/London');
    expect(formatWhen(at, new Date(now), 'en')).toBe('tomorrow at 06:00');
    expect(formatWhen(at + 86_400_000, new Date(now), 'ru')).toBe('12 мар. в 06:00');
    vi.stubEnv('TZ', 'Pacific/Honolulu'); // 20:00 on the 11th, which is tomorrow there: the day moves too
    expect(formatWhen(at + 86_400_000, new Date(now), 'en')).toBe('tomorrow at 20:00');
  });
});

describe('datetime-local round trip', () => {
  it('parses what it formats and rejects garbage', () => {
    const t = new Date(2026, 5, 1, 7, 30).getTime();
    expect(fromDateTimeLocal(toDateTimeLocal(t))).toBe(t);
    expect(fromDateTimeLocal('')).toBeNull();
    expect(fromDateTimeLocal('tomorrow')).toBeNull();
  });
});
