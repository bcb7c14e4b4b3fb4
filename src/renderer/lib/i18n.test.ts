import { describe, expect, it } from 'vitest';
import { DICTS, pickLang } from './i18n';

describe('i18n', () => {
  it('picks Russian for ru locales and English otherwise', () => {
    expect(pickLang('system', 'ru-RU')).toBe('ru');
    expect(pickLang('system', 'ru')).toBe('ru');
    expect(pickLang('system', 'en-GB')).toBe('en');
    expect(pickLang('system', 'uk-UA')).toBe('en');
    expect(pickLang(undefined, undefined)).toBe('en');
  });

  it('uses Russian plural forms', () => {
    expect(DICTS.ru.offline(1)).toBe('Нет связи — ждут отправки: 1 действие');
    expect(DICTS.ru.offline(3)).toBe('Нет связи — ждут отправки: 3 действия');
    expect(DICTS.ru.offline(11)).toBe('Нет связи — ждут отправки: 11 действий');
    expect(DICTS.en.offline(2)).toBe('Offline — 2 actions waiting');
  });

  it('keeps "Refresh" as the English button name the accessibility contract relies on', () => {
    expect(DICTS.en.refresh).toBe('Refresh');
  });
});
