/**
 * Every error code the app can show, with what it means to a user, in the
 * two languages the popup speaks. Bitrix24 codes keep their exact spelling
 * (bitrix24-api.md §2, §3); app codes are UPPER_SNAKE.
 */
export const BITRIX_ERROR_CODES = [
  'DIALOG_ID_EMPTY',
  'MESSAGE_ID_ERROR',
  'ACCESS_ERROR',
  'INTERNAL_SERVER_ERROR',
  'ERROR_UNEXPECTED_ANSWER',
  'PORTAL_DELETED',
  'QUERY_LIMIT_EXCEEDED',
  'OVERLOAD_LIMIT',
  'OPERATION_TIME_LIMIT',
  'ERROR_BATCH_METHOD_NOT_ALLOWED',
  'ERROR_BATCH_LENGTH_EXCEEDED',
  'NO_AUTH_FOUND',
  'expired_token',
  'invalid_token',
  'INVALID_REQUEST',
  'ACCESS_DENIED',
  'INVALID_CREDENTIALS',
  'insufficient_scope',
  'user_access_error',
  'ERROR_MANIFEST_IS_NOT_AVAILABLE',
  'ERROR_METHOD_NOT_FOUND',
  'WRONG_AUTH_TYPE',
  'AUTHORIZE_ERROR',
  'ERROR_CORE',
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'invalid_scope',
  'PAYMENT_REQUIRED',
] as const;

/** Codes produced by the app itself (not by a portal). */
export const APP_ERROR_CODES = [
  'INVALID_DIALOG_ID',
  'INVALID_ARGUMENT',
  'INVALID_WEBHOOK_URL',
  'INVALID_PORTAL_URL',
  'INSECURE_URL',
  'NETWORK',
  'TIMEOUT',
  'BAD_RESPONSE',
  'HTTP_ERROR',
  'RESULT_FALSE',
  'NOT_SIGNED_IN',
  'SIGN_IN_EXPIRED',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_DIALOG',
  'OAUTH_STATE_MISMATCH',
  'OAUTH_DENIED',
  'OAUTH_TIMEOUT',
  'UNKNOWN_OAUTH_SERVER',
  'FOREIGN_REST_ENDPOINT',
  'PORT_IN_USE',
  'STORE_CORRUPT',
  'SECRET_STORAGE_UNAVAILABLE',
  'HOTKEY_TAKEN',
  'HOTKEY_INVALID',
  'FORBIDDEN_SENDER',
  'FORBIDDEN_URL',
  'UNKNOWN_CHANNEL',
  'UNKNOWN_ERROR',
] as const;

export type BitrixErrorCode = (typeof BITRIX_ERROR_CODES)[number];
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
/** Any code an {@link import('./result').AppError} may carry. */
export type ErrorCode = BitrixErrorCode | AppErrorCode;

/** True when `code` is one of the codes the app knows. */
export function isKnownErrorCode(code: unknown): code is ErrorCode {
  return (
    typeof code === 'string' &&
    ((BITRIX_ERROR_CODES as readonly string[]).includes(code) || (APP_ERROR_CODES as readonly string[]).includes(code))
  );
}

/**
 * Codes worth retrying later: the action is kept and sent again with
 * backoff. Everything else is permanent for the action that caused it.
 */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NETWORK',
  'TIMEOUT',
  'BAD_RESPONSE',
  'HTTP_ERROR',
  'INTERNAL_SERVER_ERROR',
  'ERROR_UNEXPECTED_ANSWER',
  'QUERY_LIMIT_EXCEEDED',
  'OPERATION_TIME_LIMIT',
  // A portal-wide block that lifts later (bitrix24-api.md §6): queued toggles wait, never dropped.
  'OVERLOAD_LIMIT',
]);

/**
 * How long to wait before trying a portal that answered OVERLOAD_LIMIT again: the block is
 * manual and portal-wide, so retrying within seconds only prolongs it.
 */
export const OVERLOAD_RETRY_MS = 10 * 60_000;

/** Codes that mean the stored sign-in no longer works: keep queued actions, ask to sign in again. */
export const AUTH_LOST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NO_AUTH_FOUND',
  'invalid_grant',
  'invalid_client',
  'SIGN_IN_EXPIRED',
  'NOT_SIGNED_IN',
  'AUTHORIZE_ERROR',
]);

/** The popup's languages. */
export type Lang = 'en' | 'ru';

type Messages = Record<ErrorCode, { en: string; ru: string }>;

/** What each code means to a user and what they can do about it. */
export const ERROR_MESSAGES: Messages = {
  DIALOG_ID_EMPTY: {
    en: 'Bitrix24 did not recognise this dialog. It may have been deleted or you may have left it.',
    ru: 'Bitrix24 не узнал этот диалог. Возможно, он удалён или вы из него вышли.',
  },
  MESSAGE_ID_ERROR: { en: 'Bitrix24 rejected the message id.', ru: 'Bitrix24 отклонил идентификатор сообщения.' },
  ACCESS_ERROR: {
    en: 'You no longer have access to this dialog.',
    ru: 'У вас больше нет доступа к этому диалогу.',
  },
  INTERNAL_SERVER_ERROR: {
    en: 'The portal had an internal error. The app will try again.',
    ru: 'Внутренняя ошибка портала. Приложение повторит попытку.',
  },
  ERROR_UNEXPECTED_ANSWER: {
    en: 'The portal answered unexpectedly. The app will try again.',
    ru: 'Портал ответил неожиданно. Приложение повторит попытку.',
  },
  PORTAL_DELETED: { en: 'This Bitrix24 portal was deleted.', ru: 'Этот портал Bitrix24 удалён.' },
  QUERY_LIMIT_EXCEEDED: {
    en: 'The portal is rate-limiting requests. Waiting a moment before trying again.',
    ru: 'Портал ограничивает частоту запросов. Повтор через мгновение.',
  },
  OVERLOAD_LIMIT: {
    en: 'The portal has temporarily blocked its REST API for overload. Your changes are kept and will be sent in a few minutes; if it lasts, the portal administrator can contact Bitrix24 support.',
    ru: 'REST API портала временно заблокирован из-за перегрузки. Изменения сохранены и будут отправлены через несколько минут; если это затянется, администратор портала может обратиться в поддержку Bitrix24.',
  },
  OPERATION_TIME_LIMIT: {
    en: 'Bitrix24 paused this method for a few minutes (operation time limit). The app will try again.',
    ru: 'Bitrix24 временно приостановил этот метод (лимит времени операций). Приложение повторит попытку.',
  },
  ERROR_BATCH_METHOD_NOT_ALLOWED: {
    en: 'This method cannot be used inside a batch.',
    ru: 'Этот метод нельзя вызывать в пакетном запросе.',
  },
  ERROR_BATCH_LENGTH_EXCEEDED: {
    en: 'Too many calls in one batch.',
    ru: 'Слишком много вызовов в одном пакете.',
  },
  NO_AUTH_FOUND: {
    en: 'The webhook was revoked or mistyped. Create a new inbound webhook and sign in again.',
    ru: 'Вебхук отозван или введён с ошибкой. Создайте новый входящий вебхук и войдите снова.',
  },
  expired_token: { en: 'The sign-in expired. Renewing it…', ru: 'Срок входа истёк. Обновляем…' },
  invalid_token: { en: 'The sign-in is no longer valid. Renewing it…', ru: 'Вход больше не действителен. Обновляем…' },
  INVALID_REQUEST: {
    en: 'The portal requires HTTPS. Use the https:// address of your portal.',
    ru: 'Портал требует HTTPS. Используйте адрес портала с https://.',
  },
  ACCESS_DENIED: {
    en: 'The portal refused REST access. The REST API may be unavailable on its plan, or the administrator restricted it; ask the portal administrator.',
    ru: 'Портал отказал в доступе к REST API. Он может быть недоступен на этом тарифе или ограничен администратором; обратитесь к администратору портала.',
  },
  INVALID_CREDENTIALS: {
    en: 'Your Bitrix24 user lacks the rights for this.',
    ru: 'У вашего пользователя Bitrix24 нет прав на это действие.',
  },
  insufficient_scope: {
    en: 'The webhook or application lacks the "im" (Chat and notifications) scope. Add it in Bitrix24 and sign in again.',
    ru: 'У вебхука или приложения нет права «im» (Чат и уведомления). Добавьте его в Bitrix24 и войдите снова.',
  },
  user_access_error: {
    en: 'The Bitrix24 application is not available to your user. Ask the portal administrator.',
    ru: 'Приложение Bitrix24 недоступно вашему пользователю. Обратитесь к администратору портала.',
  },
  ERROR_MANIFEST_IS_NOT_AVAILABLE: { en: 'The portal refused the request.', ru: 'Портал отклонил запрос.' },
  ERROR_METHOD_NOT_FOUND: {
    en: 'The portal does not know this method. Check that the webhook URL is copied whole.',
    ru: 'Портал не знает этот метод. Проверьте, что URL вебхука скопирован целиком.',
  },
  WRONG_AUTH_TYPE: {
    en: 'The portal does not allow this method with this kind of sign-in (webhook or application). You stay signed in; the other kind of sign-in may allow it.',
    ru: 'Портал не разрешает этот метод при таком способе входа (вебхук или приложение). Вход сохранён; другой способ входа может это позволить.',
  },
  AUTHORIZE_ERROR: { en: 'Bitrix24 refused the sign-in. Sign in again.', ru: 'Bitrix24 отклонил вход. Войдите снова.' },
  ERROR_CORE: { en: 'The portal reported an internal error.', ru: 'Портал сообщил о внутренней ошибке.' },
  invalid_request: {
    en: 'The sign-in request was malformed. Start the sign-in again.',
    ru: 'Запрос входа некорректен. Начните вход заново.',
  },
  invalid_client: {
    en: 'The client id or secret is wrong, or the application is not installed on the portal.',
    ru: 'Неверный client id или секрет, либо приложение не установлено на портале.',
  },
  invalid_grant: {
    en: 'The sign-in was revoked or has expired. Sign in again.',
    ru: 'Вход отозван или истёк. Войдите снова.',
  },
  invalid_scope: {
    en: 'The application lacks the "im" scope. Add it in the application settings.',
    ru: 'У приложения нет права «im». Добавьте его в настройках приложения.',
  },
  PAYMENT_REQUIRED: {
    en: 'The Bitrix24 application requires payment.',
    ru: 'Приложение Bitrix24 требует оплаты.',
  },
  INVALID_DIALOG_ID: {
    en: 'That is not a Bitrix24 dialog id. Use "chat74" for a group chat or "123" for a private dialog.',
    ru: 'Это не идентификатор диалога Bitrix24. Используйте «chat74» для группового чата или «123» для личного диалога.',
  },
  INVALID_ARGUMENT: { en: 'The request was not valid.', ru: 'Некорректный запрос.' },
  INVALID_WEBHOOK_URL: {
    en: 'That is not an inbound webhook URL. It looks like https://your-portal.bitrix24.ru/rest/1/abc123def456/.',
    ru: 'Это не URL входящего вебхука. Он выглядит так: https://your-portal.bitrix24.ru/rest/1/abc123def456/.',
  },
  INVALID_PORTAL_URL: {
    en: 'That is not a portal address. It looks like https://your-portal.bitrix24.ru.',
    ru: 'Это не адрес портала. Он выглядит так: https://your-portal.bitrix24.ru.',
  },
  INSECURE_URL: {
    en: 'The address must start with https://.',
    ru: 'Адрес должен начинаться с https://.',
  },
  NETWORK: {
    en: 'Cannot reach the portal. Your action is saved and will be sent when the connection is back.',
    ru: 'Портал недоступен. Действие сохранено и будет отправлено, когда связь вернётся.',
  },
  TIMEOUT: {
    en: 'The portal did not answer in time. The app will try again.',
    ru: 'Портал не ответил вовремя. Приложение повторит попытку.',
  },
  BAD_RESPONSE: {
    en: 'The portal sent a page instead of data (maybe maintenance). The app will try again.',
    ru: 'Портал вернул страницу вместо данных (возможно, идут работы). Приложение повторит попытку.',
  },
  HTTP_ERROR: {
    en: 'The portal answered with an error. The app will try again.',
    ru: 'Портал ответил ошибкой. Приложение повторит попытку.',
  },
  RESULT_FALSE: {
    en: 'Bitrix24 could not find this dialog (it refused the change).',
    ru: 'Bitrix24 не нашёл этот диалог (изменение отклонено).',
  },
  NOT_SIGNED_IN: { en: 'Sign in to a Bitrix24 portal first.', ru: 'Сначала войдите в портал Bitrix24.' },
  SIGN_IN_EXPIRED: {
    en: 'The sign-in expired. Your pending changes are kept; sign in again to send them.',
    ru: 'Срок входа истёк. Несохранённые изменения сохранены; войдите снова, чтобы отправить их.',
  },
  UNKNOWN_ACCOUNT: { en: 'That portal account is not signed in.', ru: 'Этот портал не подключён.' },
  UNKNOWN_DIALOG: {
    en: 'That dialog is not among your pinned dialogs.',
    ru: 'Этого диалога нет среди закреплённых.',
  },
  OAUTH_STATE_MISMATCH: {
    en: 'The sign-in answer did not match the request (state mismatch). Start the sign-in again.',
    ru: 'Ответ входа не совпал с запросом (state). Начните вход заново.',
  },
  OAUTH_DENIED: { en: 'The sign-in was cancelled in the browser.', ru: 'Вход отменён в браузере.' },
  UNKNOWN_OAUTH_SERVER: {
    en: 'The sign-in named an OAuth server that is not a Bitrix24 one, so nothing was sent to it. Accepted: oauth.bitrix.info and oauth.bitrix24.tech.',
    ru: 'Вход указал OAuth-сервер, который не принадлежит Bitrix24, поэтому ему ничего не отправлено. Допустимы: oauth.bitrix.info и oauth.bitrix24.tech.',
  },
  FOREIGN_REST_ENDPOINT: {
    en: "The sign-in answer named a REST address outside your portal, so it was refused. The address must be your portal's own https address.",
    ru: 'Ответ входа указал адрес REST вне вашего портала, поэтому он отклонён. Адрес должен быть собственным https-адресом портала.',
  },
  OAUTH_TIMEOUT: {
    en: 'The browser sign-in did not finish in time. Start it again.',
    ru: 'Вход через браузер не завершился вовремя. Начните заново.',
  },
  PORT_IN_USE: {
    en: 'The sign-in port is taken by another program. Choose another port in Settings and register the new redirect URL.',
    ru: 'Порт для входа занят другой программой. Выберите другой порт в настройках и зарегистрируйте новый адрес перенаправления.',
  },
  STORE_CORRUPT: {
    en: 'The settings file was damaged. A copy was kept next to it and the app started with fresh settings.',
    ru: 'Файл настроек был повреждён. Его копия сохранена рядом, приложение запущено с чистыми настройками.',
  },
  SECRET_STORAGE_UNAVAILABLE: {
    en: 'This system offers no keyring to encrypt your sign-in. It is kept in memory only until you quit.',
    ru: 'В системе нет хранилища ключей для шифрования входа. Он хранится только в памяти до выхода.',
  },
  HOTKEY_TAKEN: {
    en: 'Another program already uses this shortcut. The previous one was kept.',
    ru: 'Это сочетание уже занято другой программой. Оставлено предыдущее.',
  },
  HOTKEY_INVALID: { en: 'That is not a valid shortcut.', ru: 'Это некорректное сочетание клавиш.' },
  FORBIDDEN_SENDER: { en: 'Request refused.', ru: 'Запрос отклонён.' },
  FORBIDDEN_URL: {
    en: 'Only addresses of your signed-in portal can be opened.',
    ru: 'Открывать можно только адреса подключённого портала.',
  },
  UNKNOWN_CHANNEL: { en: 'Unknown request.', ru: 'Неизвестный запрос.' },
  UNKNOWN_ERROR: { en: 'Something went wrong.', ru: 'Что-то пошло не так.' },
};

/** The user-facing explanation of `code` in `lang`. */
export function explain(code: ErrorCode, lang: Lang = 'en'): string {
  return ERROR_MESSAGES[code][lang];
}
