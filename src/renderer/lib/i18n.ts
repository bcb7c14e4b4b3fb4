/**
 * The popup's strings, in English and Russian. Every visible string goes
 * through here; the Russian dictionary is typed against the English one so
 * a missing translation fails to compile.
 */
import type { Lang } from '../../shared/errors';

/** Russian plural form picker: 1 минута, 2 минуты, 5 минут. */
function ruPlural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const en = {
  appName: 'B24 Unread Tray',
  refresh: 'Refresh',
  markAllRead: 'Mark all read',
  settings: 'Settings',
  back: 'Back',
  close: 'Close',
  dismiss: 'Dismiss',
  filterPlaceholder: 'Type to filter',
  filterLabel: 'Filter dialogs by title',
  clearFilter: 'Clear filter',
  pinnedDialogs: 'Pinned dialogs',
  empty: 'No pinned dialogs — pin a chat in Bitrix24 to see it here',
  noMatch: (q: string) => `No pinned dialog matches “${q}”`,
  loading: 'Loading pinned dialogs…',
  updatedNever: 'Not updated yet',
  updatedAgo: (s: number) =>
    s < 5 ? 'Updated just now' : s < 60 ? `Updated ${s} s ago` : `Updated ${Math.floor(s / 60)} min ago`,
  offline: (n: number) => (n === 0 ? 'Offline' : `Offline — ${n} ${n === 1 ? 'action' : 'actions'} waiting`),
  pendingActions: (n: number) => `${n} ${n === 1 ? 'change' : 'changes'} being sent`,
  unreadCount: (n: number) => `${n} unread`,
  muted: 'Muted',
  pending: 'Sending…',
  markedUnread: 'Marked unread',
  snoozedUntil: (when: string) => `Back ${when}`,
  unsnooze: 'Cancel reminder',
  openInBitrix: 'Open in Bitrix24',
  remindLater: 'Remind me later',
  remindIn1h: 'In 1 hour',
  remindEvening: 'This evening, 18:00',
  remindTomorrow: 'Tomorrow, 09:00',
  remindCustom: 'Pick a time',
  remindSet: 'Remind',
  today: 'today',
  tomorrow: 'tomorrow',
  at: 'at',
  needsSignIn: 'Sign-in expired — sign in again',
  signOut: 'Sign out',
  addAccount: 'Add portal',
  // sign in
  signInTitle: 'Connect your Bitrix24',
  signInLead: 'Paste an inbound webhook with the “im” scope, or sign in with a local application.',
  webhookLabel: 'Inbound webhook URL',
  webhookPlaceholder: 'https://your-portal.bitrix24.ru/rest/1/abc123def456/',
  webhookHelp: 'Bitrix24 → Developer resources → Other → Inbound webhook, scope “im”.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  oauthSummary: 'Sign in with a local application (OAuth)',
  portalLabel: 'Portal address',
  portalPlaceholder: 'https://your-portal.bitrix24.ru',
  clientIdLabel: 'Client id',
  clientSecretLabel: 'Client secret',
  redirectLabel: 'Register this redirect URL in the application',
  copy: 'Copy',
  copied: 'Copied',
  oauthStart: 'Continue in browser',
  oauthWaiting: 'Waiting for the browser sign-in…',
  oauthWaitingHelp: 'Finish the sign-in in your browser. If it did not open, use this link:',
  cancel: 'Cancel',
  // settings
  hotkeys: 'Shortcuts',
  hotkeyToggle: 'Show / hide popup',
  hotkeySlot: (n: number) => `Toggle dialog ${n}`,
  hotkeyChange: 'Change',
  hotkeyPress: 'Press keys… (Esc cancels)',
  hotkeyClear: 'Turn off',
  hotkeyOff: 'Off',
  hotkeyNotRegistered: 'Not active',
  hotkeyRolledBack: (wanted: string, kept: string) =>
    kept ? `“${wanted}” is taken; kept “${kept}”.` : `“${wanted}” is taken; no shortcut is active.`,
  pollInterval: 'Check for changes every (seconds)',
  launchAtLogin: 'Launch at login',
  theme: 'Theme',
  themeSystem: 'Follow system',
  themeLight: 'Light',
  themeDark: 'Dark',
  language: 'Language',
  languageSystem: 'Follow system',
  notifications: 'Notifications',
  notifyOff: 'Off',
  notifyOn: 'All pinned dialogs',
  notifyChosen: 'Only chosen dialogs',
  secretsMemory: 'Keep sign-in in memory only (sign in again after each start)',
  secretsUnavailable: 'This system offers no keyring, so sign-ins are kept in memory only and lost when the app quits.',
  security: 'Security',
  accounts: 'Portals',
  noAccounts: 'No portal signed in.',
  webhookKind: 'webhook',
  oauthKind: 'OAuth',
  memoryOnly: 'in memory only',
  save: 'Save',
  saved: 'Saved',
  version: (v: string) => `Version ${v}`,
  // keyboard hint
  keysHint: '↑↓ move · Space toggle · 1–9 Nth · o open · Esc hide',
};

/** The shape every dictionary has. */
export type Dict = typeof en;

const ru: Dict = {
  appName: 'B24 Unread Tray',
  refresh: 'Обновить',
  markAllRead: 'Прочитать все',
  settings: 'Настройки',
  back: 'Назад',
  close: 'Закрыть',
  dismiss: 'Скрыть',
  filterPlaceholder: 'Начните печатать для поиска',
  filterLabel: 'Фильтр диалогов по названию',
  clearFilter: 'Очистить фильтр',
  pinnedDialogs: 'Закреплённые',
  empty: 'Нет закреплённых диалогов — закрепите чат в Bitrix24, и он появится здесь',
  noMatch: (q: string) => `Нет закреплённых диалогов по запросу «${q}»`,
  loading: 'Загружаем закреплённые диалоги…',
  updatedNever: 'Ещё не обновлялось',
  updatedAgo: (s: number) => {
    // Without «Обновлено»: the Russian header is otherwise too long for the 360 px popup.
    if (s < 5) return 'только что';
    if (s < 60) return `${s} с назад`;
    const m = Math.floor(s / 60);
    return `${m} мин назад`;
  },
  offline: (n: number) =>
    n === 0 ? 'Нет связи' : `Нет связи — ждут отправки: ${n} ${ruPlural(n, 'действие', 'действия', 'действий')}`,
  pendingActions: (n: number) => `Отправляется ${n} ${ruPlural(n, 'изменение', 'изменения', 'изменений')}`,
  unreadCount: (n: number) => `${n} ${ruPlural(n, 'непрочитанное', 'непрочитанных', 'непрочитанных')}`,
  muted: 'Без звука',
  pending: 'Отправляется…',
  markedUnread: 'Отмечен непрочитанным',
  snoozedUntil: (when: string) => `Вернётся ${when}`,
  unsnooze: 'Отменить напоминание',
  openInBitrix: 'Открыть в Bitrix24',
  remindLater: 'Напомнить позже',
  remindIn1h: 'Через час',
  remindEvening: 'Сегодня вечером, 18:00',
  remindTomorrow: 'Завтра, 09:00',
  remindCustom: 'Выбрать время',
  remindSet: 'Напомнить',
  today: 'сегодня',
  tomorrow: 'завтра',
  at: 'в',
  needsSignIn: 'Вход истёк — войдите снова',
  signOut: 'Выйти',
  addAccount: 'Добавить портал',
  signInTitle: 'Подключите Bitrix24',
  signInLead: 'Вставьте входящий вебхук с правом «im» или войдите через локальное приложение.',
  webhookLabel: 'URL входящего вебхука',
  webhookPlaceholder: 'https://your-portal.bitrix24.ru/rest/1/abc123def456/',
  webhookHelp: 'Bitrix24 → Разработчикам → Другое → Входящий вебхук, право «im».',
  signIn: 'Войти',
  signingIn: 'Входим…',
  oauthSummary: 'Войти через локальное приложение (OAuth)',
  portalLabel: 'Адрес портала',
  portalPlaceholder: 'https://your-portal.bitrix24.ru',
  clientIdLabel: 'Client id',
  clientSecretLabel: 'Client secret',
  redirectLabel: 'Укажите этот адрес перенаправления в приложении',
  copy: 'Копировать',
  copied: 'Скопировано',
  oauthStart: 'Продолжить в браузере',
  oauthWaiting: 'Ждём входа в браузере…',
  oauthWaitingHelp: 'Завершите вход в браузере. Если он не открылся, используйте ссылку:',
  cancel: 'Отмена',
  hotkeys: 'Сочетания клавиш',
  hotkeyToggle: 'Показать / скрыть окно',
  hotkeySlot: (n: number) => `Переключить диалог ${n}`,
  hotkeyChange: 'Изменить',
  hotkeyPress: 'Нажмите сочетание… (Esc — отмена)',
  hotkeyClear: 'Выключить',
  hotkeyOff: 'Выкл.',
  hotkeyNotRegistered: 'Не работает',
  hotkeyRolledBack: (wanted: string, kept: string) =>
    kept ? `«${wanted}» занято; оставлено «${kept}».` : `«${wanted}» занято; сочетание не назначено.`,
  pollInterval: 'Проверять изменения каждые (секунд)',
  launchAtLogin: 'Запускать при входе в систему',
  theme: 'Тема',
  themeSystem: 'Как в системе',
  themeLight: 'Светлая',
  themeDark: 'Тёмная',
  language: 'Язык',
  languageSystem: 'Как в системе',
  notifications: 'Уведомления',
  notifyOff: 'Выключены',
  notifyOn: 'Все закреплённые диалоги',
  notifyChosen: 'Только выбранные диалоги',
  secretsMemory: 'Хранить вход только в памяти (входить заново после каждого запуска)',
  secretsUnavailable:
    'В системе нет хранилища ключей, поэтому вход хранится только в памяти и теряется при выходе из приложения.',
  security: 'Безопасность',
  accounts: 'Порталы',
  noAccounts: 'Нет подключённых порталов.',
  webhookKind: 'вебхук',
  oauthKind: 'OAuth',
  memoryOnly: 'только в памяти',
  save: 'Сохранить',
  saved: 'Сохранено',
  version: (v: string) => `Версия ${v}`,
  keysHint: '↑↓ выбор · Пробел — переключить · 1–9 · o — открыть · Esc',
};

/** Both dictionaries. */
export const DICTS: Record<Lang, Dict> = { en, ru };

/** The language of a BCP 47 tag: Russian for `ru*`, English otherwise. */
export function langOf(locale: string | undefined | null): Lang {
  return /^ru\b/i.test(locale ?? '') ? 'ru' : 'en';
}
