import { describe, expect, it } from 'vitest';
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

describe('datetime-local round trip', () => {
  it('parses what it formats and rejects garbage', () => {
    const t = new Date(2026, 5, 1, 7, 30).getTime();
    expect(fromDateTimeLocal(toDateTimeLocal(t))).toBe(t);
    expect(fromDateTimeLocal('')).toBeNull();
    expect(fromDateTimeLocal('tomorrow')).toBeNull();
  });
});
