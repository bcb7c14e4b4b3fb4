import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, BITRIX_ERROR_CODES, explain } from '../errors';
import { CATALOGUES, messages, pickLang } from './index';
import { plural, relative } from './format';

/** Every key path of a catalogue with the kind of its value (text or a message function). */
function shape(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? shape(v as object, `${prefix}${k}.`) : [`${prefix}${k}:${typeof v}`],
  );
}

describe('message catalogues', () => {
  it('have the same keys, with the same kinds of value, in English and Russian', () => {
    const en = shape(CATALOGUES.en).sort();
    expect(en.length).toBeGreaterThan(150);
    expect(shape(CATALOGUES.ru).sort()).toEqual(en);
  });

  it('explain every error code in both languages (Russian in Cyrillic)', () => {
    for (const code of [...BITRIX_ERROR_CODES, ...APP_ERROR_CODES]) {
      expect(explain(code, 'en'), code).toMatch(/^[A-Z].{5,}/);
      expect(explain(code, 'ru'), code).toMatch(/[А-Яа-яЁё]/);
      expect(explain(code, 'ru'), code).not.toBe(explain(code, 'en'));
    }
    expect(Object.keys(CATALOGUES.en.errors).sort()).toEqual([...BITRIX_ERROR_CODES, ...APP_ERROR_CODES].sort());
  });
});

describe('plurals (Intl.PluralRules)', () => {
  it('use the Russian one / few / many forms: 1, 2, 5, 11, 21, 22, 25', () => {
    const ru = messages('ru');
    expect([1, 2, 5, 11, 21, 22, 25].map((n) => ru.popup.unreadCount(n))).toEqual([
      '1 непрочитанное',
      '2 непрочитанных',
      '5 непрочитанных',
      '11 непрочитанных',
      '21 непрочитанное',
      '22 непрочитанных',
      '25 непрочитанных',
    ]);
    expect([1, 2, 5, 11, 21, 22, 25].map((n) => ru.popup.pendingActions(n))).toEqual([
      'Отправляется 1 изменение',
      'Отправляется 2 изменения',
      'Отправляется 5 изменений',
      'Отправляется 11 изменений',
      'Отправляется 21 изменение',
      'Отправляется 22 изменения',
      'Отправляется 25 изменений',
    ]);
    expect(ru.popup.offline(21)).toBe('Нет связи — ждут отправки: 21 действие');
    expect(ru.notify.manyDialogs(21)).toBe('Новые сообщения в 21 диалоге');
    expect(ru.notify.manyDialogs(5)).toBe('Новые сообщения в 5 диалогах');
  });

  it('use the English one / other forms', () => {
    const en = messages('en');
    expect(en.popup.offline(1)).toBe('Offline — 1 action waiting');
    expect(en.popup.offline(21)).toBe('Offline — 21 actions waiting');
    expect(en.popup.pendingActions(1)).toBe('1 change being sent');
    expect(en.popup.pendingActions(2)).toBe('2 changes being sent');
    expect(en.tray.unread(1)).toBe('1 unread dialog');
    expect(en.tray.unread(11)).toBe('11 unread dialogs');
    expect(en.notify.manyDialogs(4)).toBe('New messages in 4 dialogs');
  });

  it('fall back to `other` and put the number where # stands', () => {
    expect(plural('ru', 1.5, { one: '# a', few: '# b', many: '# c', other: '# d' })).toBe('1.5 d');
    expect(plural('en', 3, { one: 'one #', other: '#/#' })).toBe('3/3');
  });
});

describe('relative times (Intl.RelativeTimeFormat)', () => {
  it('say how long ago the list was updated, in both languages', () => {
    expect(messages('en').popup.updatedAgo(2)).toBe('Just now');
    expect(messages('en').popup.updatedAgo(42)).toBe('42 sec. ago');
    expect(messages('en').popup.updatedAgo(125)).toBe('2 min. ago');
    expect(messages('ru').popup.updatedAgo(2)).toBe('только что');
    expect(messages('ru').popup.updatedAgo(42)).toBe('42 сек. назад');
    expect(messages('ru').popup.updatedAgo(60 * 21)).toBe('21 мин. назад');
  });

  it('name today and tomorrow', () => {
    expect([relative('en', 0, 'day'), relative('en', 1, 'day')]).toEqual(['today', 'tomorrow']);
    expect([relative('ru', 0, 'day'), relative('ru', 1, 'day')]).toEqual(['сегодня', 'завтра']);
  });
});

describe('pickLang (the one language detection)', () => {
  it('follows Settings, else the locale: Russian for ru and ru-*, English otherwise', () => {
    expect(pickLang('ru', 'en-US')).toBe('ru');
    expect(pickLang('en', 'ru-RU')).toBe('en');
    expect(pickLang('system', 'ru-RU')).toBe('ru');
    expect(pickLang('system', 'ru_RU')).toBe('ru');
    expect(pickLang('system', 'RU')).toBe('ru');
    expect(pickLang('system', 'rus')).toBe('en');
    expect(pickLang('system', 'uk-UA')).toBe('en');
    expect(pickLang(null, '')).toBe('en');
  });
});
