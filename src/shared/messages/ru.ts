/**
 * Every user-facing string in Russian, with the same keys as `en.ts`
 * (typed as its {@link Messages}: a missing or extra key fails to compile).
 */
import type { Messages } from './en';
import { plural, relative } from './format';

export const popup: Messages['popup'] = {
  appName: 'B24 Unread Tray',
  refresh: 'Обновить',
  markAllRead: 'Прочитать все',
  markedRead: (n: number) =>
    `Прочитано: ${plural('ru', n, { one: '# диалог', few: '# диалога', many: '# диалогов', other: '# диалога' })}`,
  unpinned: (title: string) => `Откреплён «${title}»`,
  undo: 'Отменить',
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
  updatedAgo: (s: number) =>
    // Without «Обновлено»: the Russian header is otherwise too long for the 360 px popup.
    s < 5 ? 'только что' : s < 60 ? relative('ru', -s, 'second') : relative('ru', -Math.floor(s / 60), 'minute'),
  offline: (n: number) =>
    n === 0
      ? 'Нет связи'
      : `Нет связи — ждут отправки: ${plural('ru', n, { one: '# действие', few: '# действия', many: '# действий', other: '# действия' })}`,
  pendingActions: (n: number) =>
    `Отправляется ${plural('ru', n, { one: '# изменение', few: '# изменения', many: '# изменений', other: '# изменения' })}`,
  unreadCount: (n: number) =>
    plural('ru', n, {
      one: '# непрочитанное',
      few: '# непрочитанных',
      many: '# непрочитанных',
      other: '# непрочитанного',
    }),
  muted: 'Без звука',
  pending: 'Отправляется…',
  markedUnread: 'Отмечен непрочитанным',
  snoozedUntil: (when: string) => `Вернётся ${when}`,
  unsnooze: 'Отменить напоминание',
  openInBitrix: 'Открыть в Bitrix24',
  remindLater: 'Напомнить позже',
  unpin: 'Открепить',
  remindIn1h: 'Через час',
  remindEvening: 'Сегодня вечером, 18:00',
  remindTomorrow: 'Завтра, 09:00',
  remindCustom: 'Выбрать время',
  remindSet: 'Напомнить',
  remindPast: 'Выберите время в будущем.',
  at: 'в',
  needsSignIn: 'Вход истёк — войдите снова',
  signOut: 'Выйти',
  signOutAnyway: 'Всё равно выйти',
  signOutLoses: (n: number) => `Не отправлено изменений: ${n} — при выходе они пропадут.`,
  signInAgain: 'Войти снова',
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
  hotkeysRequested:
    'Запрошены у рабочего стола. В Wayland сочетания назначает сам рабочий стол: он может попросить их подтвердить или использовать другие клавиши из своих настроек клавиатуры, а приложение не может узнать, работают ли они.',
  hotkeyRolledBack: (wanted: string, kept: string, by = '') =>
    `«${wanted}» занято${by && ` («${by}»)`}; ${kept ? `оставлено «${kept}».` : 'сочетание не назначено.'}`,
  pollRange: (min: number, max: number) => `От ${min} до ${max} секунд; оставлено прежнее значение.`,
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
  keysHint: (open: string) => `↑↓ · Пробел — переключить · 1–9 · ${open} — открыть · Esc`,
};

export const tray: Messages['tray'] = {
  app: 'B24 Unread Tray',
  open: 'Открыть',
  refresh: 'Обновить',
  markAllRead: 'Прочитать все',
  undoMarkAllRead: (n: number) =>
    `Отменить «Прочитать все» (${plural('ru', n, { one: '# диалог', few: '# диалога', many: '# диалогов', other: '# диалога' })})`,
  settings: 'Настройки…',
  signOut: 'Выйти',
  quit: 'Выход',
  noDialogs: 'Нет закреплённых диалогов',
  more: (n: number) => `Ещё ${n} — в окне…`,
  pending: 'отправка…',
  restart: (v: string) => `Перезапустить для обновления (${v})`,
  unread: (n: number) => (n === 0 ? 'нет непрочитанных диалогов' : `непрочитанных диалогов: ${n}`),
  status: {
    'signed-out': 'вход не выполнен',
    loading: 'загрузка…',
    offline: 'нет связи, изменения сохранены',
    error: 'требуется внимание',
    ready: '',
  },
  needsSignIn: (p: string) => `войдите снова в ${p}`,
};

export const notify: Messages['notify'] = {
  manyDialogs: (n: number) =>
    `Новые сообщения в ${plural('ru', n, { one: '# диалоге', few: '# диалогах', many: '# диалогах', other: '# диалога' })}`,
  reminder: 'Напоминание: вернуться к диалогу',
  manyReminders: (n: number) =>
    `Напоминания о ${plural('ru', n, { one: '# диалоге', few: '# диалогах', many: '# диалогах', other: '# диалога' })}`,
  updateAvailable: (product: string, version: string) => `Доступна версия ${product} ${version}`,
  updateUnsigned: 'Эта сборка не подписана, поэтому не обновляется сама. Нажмите, чтобы открыть страницу выпуска.',
  gnomeTrayHint:
    'GNOME показывает значки в трее только с расширением «AppIndicator and KStatusNotifierItem Support» ' +
    '(в Ubuntu оно включено). Без него открывайте это окно командой `b24-unread-tray --show` ' +
    '(назначьте ей сочетание в Настройки → Клавиатура → Комбинации клавиш).',
};

export const oauthPage: Messages['oauthPage'] = {
  done: 'Вход выполнен',
  received: 'B24 Unread Tray получил данные входа.',
  failed: 'Вход не удался',
  closeTab: 'Эту вкладку можно закрыть.',
};

export const core: Messages['core'] = {
  notMarkedUnread: 'не удалось отметить непрочитанным',
  notMarkedRead: 'не удалось отметить прочитанным',
  notUnpinned: 'не удалось открепить',
  notPinned: 'не удалось закрепить снова',
  newAddress: (origin: string) => `Новый адрес: ${origin}`,
  queueUnreadable: (n: number) =>
    `Ожидающих отправки изменений, которые эта версия приложения не смогла прочитать: ${n} (возможно, их сохранила более новая версия). Копия сохранена; установите новую версию снова, чтобы отправить их.`,
};

export const errors: Messages['errors'] = {
  DIALOG_ID_EMPTY: 'Bitrix24 не узнал этот диалог. Возможно, он удалён или вы из него вышли.',
  MESSAGE_ID_ERROR: 'Bitrix24 отклонил идентификатор сообщения.',
  ACCESS_ERROR: 'У вас больше нет доступа к этому диалогу.',
  INTERNAL_SERVER_ERROR: 'Внутренняя ошибка портала. Приложение повторит попытку.',
  ERROR_UNEXPECTED_ANSWER: 'Портал ответил неожиданно. Приложение повторит попытку.',
  PORTAL_DELETED: 'Этот портал Bitrix24 удалён.',
  QUERY_LIMIT_EXCEEDED: 'Портал ограничивает частоту запросов. Повтор через мгновение.',
  OVERLOAD_LIMIT:
    'REST API портала временно заблокирован из-за перегрузки. Изменения сохранены и будут отправлены через несколько минут; если это затянется, администратор портала может обратиться в поддержку Bitrix24.',
  OPERATION_TIME_LIMIT:
    'Bitrix24 временно приостановил этот метод (лимит времени операций). Приложение повторит попытку.',
  ERROR_BATCH_METHOD_NOT_ALLOWED: 'Этот метод нельзя вызывать в пакетном запросе.',
  ERROR_BATCH_LENGTH_EXCEEDED: 'Слишком много вызовов в одном пакете.',
  NO_AUTH_FOUND: 'Вебхук отозван или введён с ошибкой. Создайте новый входящий вебхук и войдите снова.',
  expired_token: 'Срок входа истёк. Обновляем…',
  invalid_token: 'Вход больше не действителен. Обновляем…',
  INVALID_REQUEST: 'Портал требует HTTPS. Используйте адрес портала с https://.',
  ACCESS_DENIED:
    'Портал отказал в доступе к REST API. Он может быть недоступен на этом тарифе или ограничен администратором; обратитесь к администратору портала.',
  INVALID_CREDENTIALS: 'У вашего пользователя Bitrix24 нет прав на это действие.',
  insufficient_scope:
    'У вебхука или приложения нет права «im» (Чат и уведомления). Добавьте его в Bitrix24 и войдите снова.',
  user_access_error: 'Приложение Bitrix24 недоступно вашему пользователю. Обратитесь к администратору портала.',
  ERROR_MANIFEST_IS_NOT_AVAILABLE: 'Портал отклонил запрос.',
  ERROR_METHOD_NOT_FOUND: 'Портал не знает этот метод. Проверьте, что URL вебхука скопирован целиком.',
  WRONG_AUTH_TYPE:
    'Портал не разрешает этот метод при таком способе входа (вебхук или приложение). Вход сохранён; другой способ входа может это позволить.',
  AUTHORIZE_ERROR: 'Bitrix24 отклонил вход. Войдите снова.',
  ERROR_CORE: 'Портал сообщил о внутренней ошибке.',
  invalid_request: 'Запрос входа некорректен. Начните вход заново.',
  invalid_client: 'Неверный client id или секрет, либо приложение не установлено на портале.',
  invalid_grant: 'Вход отозван или истёк. Войдите снова.',
  invalid_scope: 'У приложения нет права «im». Добавьте его в настройках приложения.',
  PAYMENT_REQUIRED:
    'Bitrix24 больше не авторизует это приложение: истек его оплаченный период или его удалили из портала. Обратитесь к администратору портала.',
  INVALID_DIALOG_ID:
    'Это не идентификатор диалога Bitrix24. Используйте «chat74» для группового чата или «123» для личного диалога.',
  INVALID_ARGUMENT: 'Некорректный запрос.',
  INVALID_WEBHOOK_URL:
    'Это не URL входящего вебхука. Он выглядит так: https://your-portal.bitrix24.ru/rest/1/abc123def456/.',
  INVALID_PORTAL_URL: 'Это не адрес портала. Он выглядит так: https://your-portal.bitrix24.ru.',
  INSECURE_URL: 'Адрес должен начинаться с https://.',
  NETWORK: 'Портал недоступен. Действие сохранено и будет отправлено, когда связь вернётся.',
  TIMEOUT: 'Портал не ответил вовремя. Приложение повторит попытку.',
  BAD_RESPONSE: 'Портал вернул страницу вместо данных (возможно, идут работы). Приложение повторит попытку.',
  HTTP_ERROR: 'Портал ответил ошибкой. Приложение повторит попытку.',
  RESULT_FALSE: 'Bitrix24 отклонил изменение, не назвав причину (диалога может уже не быть, или достигнут лимит).',
  NOT_SIGNED_IN: 'Сначала войдите в портал Bitrix24.',
  SIGN_IN_EXPIRED: 'Срок входа истёк. Несохранённые изменения сохранены; войдите снова, чтобы отправить их.',
  UNKNOWN_ACCOUNT: 'Этот портал не подключён.',
  UNKNOWN_DIALOG: 'Этого диалога нет среди закреплённых.',
  OAUTH_STATE_MISMATCH: 'Ответ входа не совпал с запросом (state). Начните вход заново.',
  OAUTH_DENIED: 'Вход отменён в браузере.',
  UNKNOWN_OAUTH_SERVER:
    'Вход указал OAuth-сервер, который не принадлежит Bitrix24, поэтому ему ничего не отправлено. Допустимы: oauth.bitrix.info и oauth.bitrix24.tech.',
  FOREIGN_REST_ENDPOINT:
    'Ответ входа указал адрес REST вне вашего портала, поэтому он отклонён. Адрес должен быть собственным https-адресом портала.',
  PORTAL_MOVED:
    'Портал перенаправил приложение на другой адрес: адрес портала изменился. Войдите снова с новым адресом; ожидающие изменения сохранены.',
  OAUTH_TIMEOUT: 'Вход через браузер не завершился вовремя. Начните заново.',
  PORT_IN_USE:
    'Порт для входа занят другой программой. Выберите другой порт в настройках и зарегистрируйте новый адрес перенаправления.',
  STORE_CORRUPT: 'Файл настроек был повреждён. Его копия сохранена рядом, приложение запущено с чистыми настройками.',
  STORE_WRITE_FAILED:
    'Последние изменения не удалось сохранить на диск. Они будут отправлены, как только Bitrix24 ответит, но пропадут, если закрыть приложение раньше. Освободите место на диске или проверьте папку; приложение пробует снова.',
  SECRET_STORAGE_UNAVAILABLE:
    'В системе нет хранилища ключей для шифрования входа. Он хранится только в памяти до выхода.',
  SECRET_STORAGE_LOCKED:
    'Хранилище ключей ещё не открыло сохранённый вход. Разблокируйте хранилище (войдите в систему или откройте его); приложение повторит попытку само и после перезапуска.',
  HOTKEY_TAKEN: 'Это сочетание уже занято другой программой. Оставлено предыдущее.',
  HOTKEY_INVALID: 'Это некорректное сочетание клавиш.',
  FORBIDDEN_SENDER: 'Запрос отклонён.',
  FORBIDDEN_URL: 'Открывать можно только адреса подключённого портала.',
  UNKNOWN_CHANNEL: 'Неизвестный запрос.',
  UNKNOWN_ERROR: 'Что-то пошло не так.',
};

/** A sign-in that failed for a reason that passes (see en.ts `signInErrors`). */
export const signInErrors: Messages['signInErrors'] = {
  NETWORK: 'Портал недоступен, вход не выполнен. Проверьте адрес и подключение и попробуйте снова.',
  TIMEOUT: 'Портал не ответил вовремя, вход не выполнен. Попробуйте ещё раз чуть позже.',
  BAD_RESPONSE:
    'Портал прислал страницу вместо данных (неверный адрес или технические работы), вход не выполнен. Проверьте адрес и попробуйте снова.',
  other: 'Портал не смог завершить вход сейчас, вход не выполнен. Попробуйте ещё раз чуть позже.',
  PORTAL_MOVED: 'Адрес портала изменился, вход не выполнен. Войдите с его новым адресом.',
};

export const ru: Messages = { popup, tray, notify, oauthPage, core, errors, signInErrors };
