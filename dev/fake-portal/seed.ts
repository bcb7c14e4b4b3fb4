/**
 * Believable dialogs for the fake portal: a hand-written demo portal and a
 * generator of large lists for tests and benchmarks.
 */
import type { SeedDialog } from './types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A dozen dialogs of a small Russian/international company: 6 pinned (one of
 * them muted, one a workgroup chat `sg17`), some with the manual unread mark,
 * some with unread messages, dated within the last days relative to `now`.
 */
export function demoSeed(now: number = Date.now()): SeedDialog[] {
  return [
    {
      id: 'chat74',
      title: 'Отдел продаж',
      pinned: true,
      counter: 3,
      messageText: 'Коллеги, счёт для «Ромашки» ушёл клиенту',
      messageAuthorId: 547,
      date: iso(now - 4 * MIN),
      color: '#29619b',
    },
    {
      id: 547,
      title: 'Анна Смирнова',
      pinned: true,
      unread: true,
      messageText: 'Посмотри, пожалуйста, договор до обеда',
      date: iso(now - 25 * MIN),
      workPosition: 'Юрист',
      email: 'anna.smirnova@example.com',
      gender: 'F',
    },
    {
      id: 'chat1317',
      title: 'Release 2.4',
      pinned: true,
      counter: 12,
      messageText: 'RC2 is on staging, smoke tests are green',
      messageAuthorId: 612,
      date: iso(now - 50 * MIN),
      color: '#4ba984',
    },
    {
      id: 'chat1420',
      title: 'Проект «Северный склад»',
      sonetGroupId: 17,
      pinned: true,
      unread: true,
      counter: 1,
      messageText: 'Задача «Инвентаризация» закрыта',
      messageAuthorId: 0,
      date: iso(now - 2 * HOUR),
      color: '#728f7a',
    },
    {
      id: 612,
      title: 'John Carter',
      pinned: true,
      messageText: 'Thanks, merged.',
      messageAuthorId: 1,
      date: iso(now - 5 * HOUR),
      workPosition: 'Backend developer',
      email: 'john.carter@example.com',
      status: 'away',
    },
    {
      id: 'chat88',
      title: 'Флудилка',
      pinned: true,
      muted: true,
      counter: 27,
      messageText: 'Кто идёт на обед?',
      messageAuthorId: 733,
      date: iso(now - 8 * MIN),
      color: '#f76187',
    },
    {
      id: 733,
      title: 'Мария Иванова',
      counter: 2,
      messageText: 'Отчёт за квартал готов',
      date: iso(now - 15 * MIN),
      workPosition: 'Бухгалтер',
      email: 'm.ivanova@example.com',
      gender: 'F',
    },
    {
      id: 'chat91',
      title: 'Support — escalations',
      unread: true,
      messageText: 'Ticket #4411: customer cannot log in',
      messageAuthorId: 805,
      date: iso(now - 3 * HOUR),
      color: '#df532d',
    },
    {
      id: 805,
      title: 'Olga Kuznetsova',
      messageText: 'See you tomorrow!',
      messageAuthorId: 1,
      date: iso(now - 1 * DAY),
      workPosition: 'Support lead',
      email: 'olga.k@example.com',
      status: 'offline',
      gender: 'F',
    },
    {
      id: 'chat102',
      title: 'Маркетинг',
      messageText: 'Баннеры для рассылки в общей папке',
      messageAuthorId: 733,
      date: iso(now - 2 * DAY),
      color: '#ab7761',
    },
    {
      id: 918,
      title: 'Дмитрий Соколов',
      messageText: 'Созвонимся в 15:00?',
      date: iso(now - 3 * DAY),
      workPosition: 'Руководитель проектов',
      email: 'd.sokolov@example.com',
      status: 'offline',
    },
    {
      id: 'chat130',
      title: 'Office Berlin',
      counter: 1,
      messageText: 'Heating is back on 🎉',
      messageAuthorId: 612,
      date: iso(now - 4 * DAY),
      color: '#2a4c7d',
    },
  ];
}

const FIRST = ['Анна', 'Иван', 'Olga', 'Peter', 'Мария', 'Sergey', 'Елена', 'Mark', 'Дарья', 'Lena', 'Павел', 'Nina'];
const LAST = ['Смирнова', 'Петров', 'Novak', 'Schmidt', 'Иванова', 'Volkov', 'Кузнецова', 'Weber', 'Соколова', 'Klein'];
const CHAT = ['Проект', 'Project', 'Команда', 'Team', 'Release', 'Отдел'];

/** Options of {@link generateDialogs}. */
export interface GenerateOptions {
  /** How many of the dialogs are pinned (spread evenly over the list). */
  pinned: number;
  /** How many carry the manual unread mark (spread evenly). Default 0. */
  unread?: number;
  /** How many have unread messages (`counter` 1–9, spread evenly). Default 0. */
  withCounter?: number;
  /** First numeric id (ids are `startId + i`; every third dialog is a chat `chat<startId + i>`). Default 1000. */
  startId?: number;
  /** Reference time for the dates (the first dialog is the most recent). Default `Date.now()`. */
  now?: number;
}

/** Picks `count` of `n` indexes spread evenly (0, n/count, 2n/count…). */
function spread(n: number, count: number): Set<number> {
  const out = new Set<number>();
  const c = Math.max(0, Math.min(n, Math.trunc(count)));
  for (let k = 0; k < c; k++) out.add(Math.floor((k * n) / c));
  return out;
}

/**
 * `n` dialogs with descending dates (one minute apart), a mix of private
 * dialogs and group chats, `pinned` of them pinned. E.g.
 * `generateDialogs(300, { pinned: 40 })` or `generateDialogs(250, { pinned: 250 })`.
 */
export function generateDialogs(n: number, opts: GenerateOptions): SeedDialog[] {
  const start = opts.startId ?? 1000;
  const now = opts.now ?? Date.now();
  const pinned = spread(n, opts.pinned);
  const unread = spread(n, opts.unread ?? 0);
  const counters = spread(n, opts.withCounter ?? 0);
  const list: SeedDialog[] = [];
  for (let i = 0; i < n; i++) {
    const num = start + i;
    const chat = i % 3 === 2;
    const title = chat
      ? `${CHAT[i % CHAT.length]} ${num}`
      : `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${num}`;
    list.push({
      id: chat ? `chat${num}` : num,
      title,
      pinned: pinned.has(i),
      unread: unread.has(i),
      counter: counters.has(i) ? 1 + (i % 9) : 0,
      messageText: chat ? `Сообщение ${i} / message ${i}` : `Hi #${i}`,
      date: iso(now - i * MIN),
    });
  }
  return list;
}
