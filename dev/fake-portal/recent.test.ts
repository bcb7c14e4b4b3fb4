import { afterEach, describe, expect, it } from 'vitest';
import { generateDialogs } from './seed';
import { startFakePortal, type FakePortal } from './server';
import { get, postForm, postJson, resultOf } from './test-helpers';

let portal: FakePortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

async function start(opts: Parameters<typeof startFakePortal>[0] = {}): Promise<FakePortal> {
  portal = await startFakePortal({ rateLimit: false, ...opts });
  return portal;
}

describe('im.recent.list', () => {
  it('pages 450 dialogs with OFFSET/LIMIT (max 200), pinned first then newest, hasMore and total -1', async () => {
    // 250 pinned: a pinned dialog lives beyond the first 200 items, the case the app must page for.
    const p = await start({ seed: generateDialogs(450, { pinned: 250 }) });
    const ids: Array<string | number> = [];
    const pages: Array<{ n: number; hasMore: boolean; total: unknown }> = [];
    for (let offset = 0; ; offset += 200) {
      const a = await postJson(p.webhookUrl, 'im.recent.list.json', { OFFSET: offset, LIMIT: 500 });
      expect(a.status).toBe(200);
      const r = resultOf(a);
      pages.push({ n: r.items.length, hasMore: r.hasMore, total: (a.json as { total: unknown }).total });
      expect(r.hasMorePages).toBe(r.hasMore);
      ids.push(...r.items.map((i: { id: string | number }) => i.id));
      if (!r.hasMore) break;
    }
    expect(pages).toEqual([
      { n: 200, hasMore: true, total: -1 },
      { n: 200, hasMore: true, total: -1 },
      { n: 50, hasMore: false, total: -1 },
    ]);
    expect(new Set(ids).size).toBe(450);
    const all = p.dialogs();
    expect(all.slice(0, 250).every((d) => d.pinned)).toBe(true);
    expect(ids).toEqual(all.map((d) => d.id));
    // Within the pinned block, newest first.
    const pinnedDates = all.slice(0, 250).map((d) => Date.parse(d.date!));
    expect([...pinnedDates].sort((a, b) => b - a)).toEqual(pinnedDates);
  });

  it('defaults LIMIT to 50 and treats string parameters from a GET query the same', async () => {
    const p = await start({ seed: generateDialogs(120, { pinned: 3 }) });
    const first = resultOf(await get(p.webhookUrl, 'im.recent.list'));
    expect(first.items).toHaveLength(50);
    expect(first.hasMore).toBe(true);
    const last = resultOf(await get(p.webhookUrl, 'im.recent.list', { OFFSET: '100', LIMIT: '50' }));
    expect(last.items).toHaveLength(20);
    expect(last.hasMore).toBe(false);
  });

  it('returns the documented item shapes: numeric user ids, "chatNNN" strings, mute_list [] or {"<me>": true}', async () => {
    const p = await start({ seed: 'demo' });
    const items = resultOf(await postJson(p.webhookUrl, 'im.recent.list', { LIMIT: 200 })).items as Array<
      Record<string, unknown>
    >;
    expect(items).toHaveLength(12);
    const anna = items.find((i) => i.id === 547)!;
    expect(Object.keys(anna)).toEqual([
      'id',
      'chat_id',
      'type',
      'avatar',
      'title',
      'message',
      'counter',
      'last_id',
      'pinned',
      'unread',
      'has_reminder',
      'date_update',
      'date_last_activity',
      'user',
      'chat',
      'options',
    ]);
    expect(anna).toMatchObject({ type: 'user', title: 'Анна Смирнова', pinned: true, unread: true });
    expect(anna.user).toMatchObject({ id: 547, first_name: 'Анна', last_name: 'Смирнова', mobile_last_date: false });
    expect(anna.date_update).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);

    const sales = items.find((i) => i.id === 'chat74')!;
    expect(sales).toMatchObject({ chat_id: 74, type: 'chat', counter: 3, title: 'Отдел продаж' });
    expect((sales.chat as { mute_list: unknown }).mute_list).toEqual([]);
    const flood = items.find((i) => i.id === 'chat88')!;
    expect((flood.chat as { mute_list: unknown }).mute_list).toEqual({ '1': true });
    const group = items.find((i) => i.id === 'chat1420')!;
    expect(group.chat).toMatchObject({ type: 'sonetGroup', entity_type: 'SONET_GROUP', entity_id: '17' });
    // System message in a chat row: the author is {id: 0}.
    expect(group.user).toEqual({ id: 0 });
  });

  it('honours SKIP_DIALOG, SKIP_CHAT, SKIP_OPENLINES and UNREAD_ONLY', async () => {
    const p = await start({
      seed: [
        { id: 10, title: 'Read user' },
        { id: 11, title: 'Marked user', unread: true },
        { id: 'chat20', title: 'Chat with messages', counter: 2 },
        { id: 'chat21', title: 'Open line', chatType: 'lines' },
      ],
    });
    const ids = async (params: Record<string, unknown>): Promise<unknown[]> =>
      resultOf(await postJson(p.webhookUrl, 'im.recent.list', params)).items.map((i: { id: unknown }) => i.id);
    expect((await ids({})).sort()).toEqual([10, 11, 'chat20', 'chat21'].sort());
    expect((await ids({ SKIP_DIALOG: 'Y' })).sort()).toEqual(['chat20', 'chat21']);
    expect((await ids({ SKIP_CHAT: 'Y' })).sort()).toEqual([10, 11, 'chat21']);
    expect((await ids({ SKIP_OPENLINES: 'Y' })).sort()).toEqual([10, 11, 'chat20'].sort());
    expect((await ids({ UNREAD_ONLY: 'Y' })).sort()).toEqual([11, 'chat20'].sort());
  });
});

describe('im.recent.list, as the server answers it (bitrix24-api.md §6)', () => {
  it('default LIMIT 50, a top-level next = OFFSET + count while hasMore, birthdayList only without LAST_MESSAGE_DATE', async () => {
    const p = await start({ seed: generateDialogs(120, { pinned: 3 }) });
    const first = await postJson(p.webhookUrl, 'im.recent.list', {});
    expect(resultOf(first).items).toHaveLength(50);
    expect(
      resultOf(first)
        .items.slice(0, 3)
        .every((i: { pinned: boolean }) => i.pinned),
    ).toBe(true);
    expect(resultOf(first).birthdayList).toEqual([]);
    expect((first.json as { next: unknown }).next).toBe(50);
    const last = await postJson(p.webhookUrl, 'im.recent.list', { OFFSET: 100, LIMIT: 500 });
    expect(resultOf(last).items).toHaveLength(20);
    // The last page: no hasMore, no next (`if ($result['hasMore'])` in CIMRestService::recentList).
    expect(resultOf(last).hasMore).toBe(false);
    expect('next' in (last.json as object)).toBe(false);
    const dated = await postJson(p.webhookUrl, 'im.recent.list', { LAST_MESSAGE_DATE: new Date().toISOString() });
    expect('birthdayList' in resultOf(dated)).toBe(false);
  });

  it('hasMore when the raw rows fill the LIMIT, even with nothing left', async () => {
    const p = await start({ seed: generateDialogs(10, { pinned: 2 }) });
    const full = await postJson(p.webhookUrl, 'im.recent.list', { LIMIT: 10 });
    expect(resultOf(full).hasMore).toBe(true);
    expect((full.json as { next: unknown }).next).toBe(10);
    const empty = await postJson(p.webhookUrl, 'im.recent.list', { LIMIT: 10, OFFSET: 10 });
    expect(resultOf(empty)).toMatchObject({ items: [], hasMore: false });
  });

  it('LAST_MESSAGE_DATE keeps rows at or before it and ignores OFFSET', async () => {
    const at = (min: number) => new Date(Date.parse('2026-02-25T12:00:00+03:00') - min * 60_000).toISOString();
    const p = await start({
      seed: [1, 2, 3, 4].map((n) => ({ id: `chat${n}`, title: `C${n}`, date: at(n) })),
    });
    const r = resultOf(
      await postJson(p.webhookUrl, 'im.recent.list', { LAST_MESSAGE_DATE: '2026-02-25T11:58:00+03:00', OFFSET: 1 }),
    );
    expect(r.items.map((i: { id: unknown }) => i.id)).toEqual(['chat2', 'chat3', 'chat4']);
  });
});

describe('a fired user', () => {
  it('their dialog is listed only while it has unread messages, and its row still fills the page', async () => {
    const at = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    const p = await start({
      seed: [
        { id: 547, title: 'Fired, read', pinned: true, active: false, date: at(1) },
        { id: 548, title: 'Fired, unread', pinned: true, active: false, counter: 2, date: at(2) },
        { id: 'chat74', title: 'Sales', pinned: true, date: at(3) },
        { id: 549, title: 'Active', date: at(4) },
      ],
    });
    const page = resultOf(await postJson(p.webhookUrl, 'im.recent.list', { LIMIT: 3 }));
    expect(page.items.map((i: { id: unknown }) => i.id)).toEqual([548, 'chat74']);
    expect(page.items[0].user.active).toBe(false);
    expect(page.hasMore).toBe(true);
    const rest = resultOf(await postJson(p.webhookUrl, 'im.recent.list', { LIMIT: 3, OFFSET: 3 }));
    expect(rest.items.map((i: { id: unknown }) => i.id)).toEqual([549]);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.get', {})).map((i: { id: unknown }) => i.id)).toEqual([
      548,
      'chat74',
      549,
    ]);
    // The counters do not ask whether the user is active (UserCountersCollector).
    expect(resultOf(await postJson(p.webhookUrl, 'im.counters.get'))).toMatchObject({ DIALOG: { '548': 2 } });
  });
});

describe('im.recent.get', () => {
  it('returns a plain array of every visible dialog, filtered by LAST_SYNC_DATE', async () => {
    const now = Date.now();
    const p = await start({
      seed: [
        { id: 'chat1', title: 'Old', date: new Date(now - 10 * 86_400_000).toISOString() },
        { id: 2, title: 'New', date: new Date(now - 60_000).toISOString() },
      ],
    });
    const all = resultOf(await postJson(p.webhookUrl, 'im.recent.get'));
    expect(Array.isArray(all)).toBe(true);
    expect(all.map((i: { id: unknown }) => i.id)).toEqual([2, 'chat1']);
    expect(all[1].user).toEqual({ id: 0 });
    const since = resultOf(
      await postJson(p.webhookUrl, 'im.recent.get', { LAST_SYNC_DATE: new Date(now - 86_400_000).toISOString() }),
    );
    expect(since.map((i: { id: unknown }) => i.id)).toEqual([2]);
  });
});

describe('im.recent.unread / im.recent.pin / im.dialog.read', () => {
  it('ACTION=Y sets the manual mark; ACTION=N only clears it, as the server does (messages stay unread)', async () => {
    const p = await start({ seed: [{ id: 'chat7', title: 'Team', counter: 4, messageId: 500 }] });
    let a = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat7' });
    expect(a).toMatchObject({ status: 200 });
    expect(resultOf(a)).toBe(true);
    expect(p.dialog('chat7')).toMatchObject({ unread: true, counter: 4 });
    a = await postForm(p.webhookUrl, 'im.recent.unread.json', 'DIALOG_ID=chat7&ACTION=N');
    expect(resultOf(a)).toBe(true);
    expect(p.dialog('chat7')).toMatchObject({ unread: false, counter: 4, lastId: 496 });
  });

  it("readSemantics 'docs': ACTION=N clears the mark and reads the dialog, as the docs page says", async () => {
    const p = await start({
      readSemantics: 'docs',
      seed: [{ id: 'chat7', title: 'Team', counter: 4, messageId: 500 }],
    });
    await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat7' });
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat7', ACTION: 'N' }))).toBe(true);
    expect(p.dialog('chat7')).toMatchObject({ unread: false, counter: 0, lastId: 500 });
  });

  it('answers result:false with HTTP 200 for a well-formed but unknown dialog', async () => {
    const p = await start({ seed: [] });
    const a = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'chat999' });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ result: false });
    expect((a.json as { time?: unknown }).time).toBeDefined();
  });

  it.each([[{}], [{ DIALOG_ID: '' }], [{ DIALOG_ID: 'chat' }], [{ DIALOG_ID: 'chat-1' }], [{ DIALOG_ID: 'abc' }]])(
    'answers 400 DIALOG_ID_EMPTY for missing, empty or malformed DIALOG_ID %j',
    async (params) => {
      const p = await start();
      const a = await postJson(p.webhookUrl, 'im.recent.unread', params);
      expect(a.status).toBe(400);
      expect(a.json).toEqual({ error: 'DIALOG_ID_EMPTY', error_description: "Dialog ID can't be empty" });
    },
  );

  it('im.recent.unread does not resolve sg<group id>: it answers false and changes nothing', async () => {
    const p = await start({ seed: 'demo' });
    const before = p.dialog('chat1420');
    const a = await postJson(p.webhookUrl, 'im.recent.unread', { DIALOG_ID: 'sg17', ACTION: 'N' });
    expect(a.status).toBe(200);
    expect(resultOf(a)).toBe(false);
    expect(p.dialog('chat1420')).toEqual(before);
    expect(p.dialog('sg17')?.id).toBe('chat1420');
  });

  it('im.recent.pin answers result:false (HTTP 200, no error) for the 46th pin, as Recent::pin does', async () => {
    const seed = Array.from({ length: 46 }, (_, i) => ({ id: `chat${i + 1}`, title: `C${i + 1}`, pinned: i < 45 }));
    const p = await start({ seed });
    const a = await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat46' });
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ result: false });
    expect(p.dialog('chat46')?.pinned).toBe(false);
    // Re-pinning a pinned dialog at the limit is no new pin.
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat1' }))).toBe(true);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat1', PIN: 'N' }))).toBe(true);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat46' }))).toBe(true);
  });

  it('im.recent.pin PIN=N unpins (idempotently: true again), the next im.recent.list no longer lists it pinned', async () => {
    const p = await start({
      seed: [
        { id: 5, title: 'Peer' },
        { id: 'chat7', title: 'Team', pinned: true },
      ],
    });
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: '5' }))).toBe(true);
    expect(p.dialog(5)?.pinned).toBe(true);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 5, PIN: 'N' }))).toBe(true);
    expect(p.dialog(5)?.pinned).toBe(false);
    const form = await postForm(p.webhookUrl, 'im.recent.pin.json', 'DIALOG_ID=chat7&PIN=N');
    expect(form.status).toBe(200);
    expect(resultOf(form)).toBe(true);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN: 'N' }))).toBe(true);
    const list = resultOf(await postJson(p.webhookUrl, 'im.recent.list', {})) as {
      items: { id: unknown; pinned: boolean }[];
    };
    expect(list.items.filter((i) => i.pinned)).toEqual([]);
  });

  it('im.recent.pin: ACTION replaces PIN, and only the value N unpins ($arParams[PIN] != N)', async () => {
    const p = await start({ seed: [{ id: 'chat7', title: 'Team', pinned: true }] });
    const pinned = () => p.dialog('chat7')?.pinned;
    await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN: 'Y', ACTION: 'N' });
    expect(pinned()).toBe(false);
    await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN: 'N', ACTION: 'Y' });
    expect(pinned()).toBe(true);
    // Lower-case n, 0 or false are not N: they pin.
    for (const PIN of ['n', '0', false]) {
      await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN: 'N' });
      expect(pinned()).toBe(false);
      await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN });
      expect(pinned(), `PIN=${String(PIN)}`).toBe(true);
    }
    // No PIN at all pins (the docs' default Y).
    await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7', PIN: 'N' });
    await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat7' });
    expect(pinned()).toBe(true);
  });

  it('im.recent.pin refuses a missing or malformed DIALOG_ID (DIALOG_ID_EMPTY) and a dialog out of reach (ACCESS_ERROR)', async () => {
    const p = await start({ seed: [{ id: 5, title: 'Peer' }] });
    for (const params of [{}, { DIALOG_ID: '' }, { DIALOG_ID: 'chat' }, { DIALOG_ID: 'abc' }, { PIN: 'N' }]) {
      const a = await postJson(p.webhookUrl, 'im.recent.pin', params);
      expect(a.status, JSON.stringify(params)).toBe(400);
      expect(a.json).toEqual({ error: 'DIALOG_ID_EMPTY', error_description: "Dialog ID can't be empty" });
    }
    const chat = await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID: 'chat404', PIN: 'N' });
    expect(chat).toMatchObject({
      status: 400,
      json: { error: 'ACCESS_ERROR', error_description: 'You don’t have permission to pin this chat' },
    });
    for (const DIALOG_ID of ['999', 'notify']) {
      const a = await postJson(p.webhookUrl, 'im.recent.pin', { DIALOG_ID, PIN: 'N' });
      expect(a).toMatchObject({
        status: 400,
        json: { error: 'ACCESS_ERROR', error_description: "You don't have access to this chat" },
      });
    }
  });

  it('im.dialog.read reads all or up to MESSAGE_ID and reports what is left; only reading all removes the manual mark', async () => {
    const p = await start({ seed: [{ id: 'chat3', title: 'C', counter: 5, messageId: 100, unread: true }] });
    let r = resultOf(await postJson(p.webhookUrl, 'im.dialog.read', { DIALOG_ID: 'chat3', MESSAGE_ID: 98 }));
    expect(r).toEqual({ dialogId: 'chat3', chatId: 3, lastId: 98, counter: 2 });
    expect(p.dialog('chat3')?.unread).toBe(true);
    r = resultOf(await postJson(p.webhookUrl, 'im.dialog.read', { DIALOG_ID: 'chat3', MESSAGE_ID: 100 }));
    expect(r).toEqual({ dialogId: 'chat3', chatId: 3, lastId: 100, counter: 0 });
    expect(p.dialog('chat3')?.unread).toBe(true);
    r = resultOf(await postJson(p.webhookUrl, 'im.dialog.read', { DIALOG_ID: 'chat3' }));
    expect(r).toEqual({ dialogId: 'chat3', chatId: 3, lastId: 100, counter: 0 });
    expect(p.dialog('chat3')?.unread).toBe(false);
  });
});

describe('im.counters.get and profile', () => {
  it('reports counters by kind, muted chats apart, manual marks as lists, empty maps as []', async () => {
    const p = await start({
      notifyCounter: 4,
      seed: [
        { id: 547, title: 'Ivan Ivanov', counter: 1 },
        { id: 'chat1317', title: 'Muted', counter: 1, muted: true },
        { id: 'chat1319', title: 'Marked', unread: true },
        { id: 548, title: 'Muted peer', counter: 2, muted: true, chatId: 9548 },
      ],
    });
    expect(resultOf(await postJson(p.webhookUrl, 'im.counters.get'))).toEqual({
      TYPE: { ALL: 5, NOTIFY: 4, CHAT: 0, LINES: 0, DIALOG: 1, MESSENGER: 1 },
      CHAT: [],
      // A muted private dialog too, under its private chat id (bitrix24-api.md §6).
      CHAT_MUTED: { '1317': 1, '9548': 2 },
      CHAT_UNREAD: [1319],
      LINES: [],
      DIALOG: { '547': 1 },
      DIALOG_UNREAD: [],
    });
  });

  it('a hidden dialog loses its manual mark, not its unread messages (im.recent.hide deletes the recent row only)', async () => {
    const p = await start({
      seed: [
        { id: 'chat74', title: 'Sales', pinned: true, counter: 3, unread: true },
        { id: 547, title: 'Ivan Ivanov', counter: 2 },
      ],
    });
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.hide', { DIALOG_ID: 'chat74' }))).toBe(true);
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.hide', { DIALOG_ID: '547' }))).toBe(true);
    const c = resultOf(await postJson(p.webhookUrl, 'im.counters.get'));
    expect(c).toMatchObject({ CHAT: { '74': 3 }, CHAT_UNREAD: [], DIALOG: { '547': 2 } });
    expect(resultOf(await postJson(p.webhookUrl, 'im.recent.list', {})).items).toEqual([]);
  });

  it('profile answers who the webhook acts as, with the time block', async () => {
    const p = await start({
      user: { id: 503, name: 'Ольга', lastName: 'Новак' },
      webhook: { userId: 503, code: 'x1y2' },
    });
    const a = await get(p.webhookUrl, 'profile.json');
    expect(resultOf(a)).toMatchObject({ ID: '503', NAME: 'Ольга', LAST_NAME: 'Новак' });
    const time = (a.json as { time: Record<string, unknown> }).time;
    expect(Object.keys(time).sort()).toEqual(
      [
        'start',
        'finish',
        'duration',
        'processing',
        'date_start',
        'date_finish',
        'operating_reset_at',
        'operating',
      ].sort(),
    );
    expect(time.operating_reset_at).toBeGreaterThan(time.start as number);
  });

  it('accepts multipart/form-data bodies', async () => {
    const p = await start({ seed: [{ id: 'chat9', title: 'M' }] });
    const form = new FormData();
    form.set('DIALOG_ID', 'chat9');
    const res = await fetch(`${p.webhookUrl}im.recent.unread`, { method: 'POST', body: form });
    expect(await res.json()).toMatchObject({ result: true });
    expect(p.dialog('chat9')?.unread).toBe(true);
  });

  it('answers 404 ERROR_METHOD_NOT_FOUND for an unknown method and a clear 400 for a broken JSON body', async () => {
    const p = await start();
    const a = await postJson(p.webhookUrl, 'im.recent.nonexistent');
    expect(a.status).toBe(404);
    expect(a.json).toEqual({ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
    const res = await fetch(`${p.webhookUrl}profile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'INVALID_REQUEST' });
  });

  it('records every call with its method, parameters, auth mode and status', async () => {
    const p = await start({ seed: [{ id: 'chat9', title: 'M' }] });
    await postJson(p.webhookUrl, 'im.recent.unread.json', { DIALOG_ID: 'chat9', ACTION: 'Y' });
    await postJson(p.webhookUrl, 'IM.RECENT.UNREAD', { DIALOG_ID: '' });
    expect(p.callsTo('im.recent.unread')).toEqual([
      expect.objectContaining({ params: { DIALOG_ID: 'chat9', ACTION: 'Y' }, via: 'webhook', status: 200 }),
      expect.objectContaining({ status: 400, errorCode: 'DIALOG_ID_EMPTY' }),
    ]);
    p.resetCalls();
    expect(p.calls).toEqual([]);
  });
});

describe('malformed requests', () => {
  it('answers errors, never crashes, for odd paths and bodies', async () => {
    const p = await start();
    const broken = await fetch(`${p.webhookUrl}%E0%A4%A`);
    expect(broken.status).toBe(404);
    expect(await broken.json()).toMatchObject({ error: 'ERROR_METHOD_NOT_FOUND' });
    const noMethod = await fetch(p.webhookUrl);
    expect(await noMethod.json()).toMatchObject({ error: 'ERROR_METHOD_NOT_FOUND' });
    const array = await fetch(`${p.webhookUrl}profile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(array.status).toBe(400);
    const badBatch = await postJson(p.webhookUrl, 'batch', { cmd: 'profile' });
    expect(badBatch.status).toBe(400);
    expect(badBatch.json).toMatchObject({ error: 'INVALID_REQUEST' });
    const page = await fetch(`${p.url}/nowhere`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    // Still serving.
    expect((await get(p.webhookUrl, 'profile')).status).toBe(200);
  });
});
