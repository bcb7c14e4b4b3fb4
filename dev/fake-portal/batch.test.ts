import { afterEach, describe, expect, it } from 'vitest';
import { startFakePortal, type FakePortal } from './server';
import { postForm, postJson, resultOf } from './test-helpers';

let portal: FakePortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

async function start(): Promise<FakePortal> {
  portal = await startFakePortal({
    rateLimit: false,
    seed: [
      { id: 'chat1', title: 'One', counter: 2, messageId: 9 },
      { id: 'chat2', title: 'Two' },
    ],
  });
  return portal;
}

describe('batch', () => {
  it('runs a cmd object, keeps going past errors and answers 200 with all five sections', async () => {
    const p = await start();
    const a = await postJson(p.webhookUrl, 'batch', {
      cmd: {
        a: 'im.recent.unread?DIALOG_ID=chat2&ACTION=Y',
        b: 'im.dialog.read?DIALOG_ID=chat1',
        c: 'im.recent.unread?DIALOG_ID=',
        d: 'im.recent.list?LIMIT=1',
      },
    });
    expect(a.status).toBe(200);
    const r = resultOf(a);
    expect(r.result.a).toBe(true);
    expect(r.result.b).toEqual({ dialogId: 'chat1', chatId: 1, lastId: 9, counter: 0 });
    expect(r.result.d.items).toHaveLength(1);
    expect(r.result_error).toEqual({ c: { error: 'DIALOG_ID_EMPTY', error_description: "Dialog ID can't be empty" } });
    expect(r.result_total).toEqual({ d: -1 });
    expect(r.result_next).toEqual([]);
    expect(Object.keys(r.result_time)).toEqual(['a', 'b', 'd']);
    expect((a.json as { time?: unknown }).time).toBeDefined();
    expect(p.dialog('chat2')?.unread).toBe(true);
    // The batch and each sub-call are recorded, sub-calls flagged.
    expect(p.calls.map((c) => [c.method, c.inBatch ?? false, c.status])).toEqual([
      ['batch', false, 200],
      ['im.recent.unread', true, 200],
      ['im.dialog.read', true, 200],
      ['im.recent.unread', true, 400],
      ['im.recent.list', true, 200],
    ]);
  });

  it('serialises a cmd array as PHP does: a list when all succeed, empty sections as []', async () => {
    const p = await start();
    const r = resultOf(
      await postJson(p.webhookUrl, 'batch', {
        cmd: ['im.recent.pin?DIALOG_ID=chat1', 'im.recent.pin?DIALOG_ID=chat2'],
      }),
    );
    expect(r.result).toEqual([true, true]);
    expect(r.result_error).toEqual([]);
    expect(r.result_total).toEqual([]);
  });

  it('reads cmd[key] from a url-encoded form body', async () => {
    const p = await start();
    const body = new URLSearchParams({
      'cmd[x]': 'im.recent.unread?DIALOG_ID=chat1&ACTION=Y',
      'cmd[y]': 'profile',
    }).toString();
    const r = resultOf(await postForm(p.webhookUrl, 'batch.json', body));
    expect(r.result.x).toBe(true);
    expect(r.result.y.ID).toBe('1');
  });

  it('stops at the first error with halt=1', async () => {
    const p = await start();
    const r = resultOf(
      await postJson(p.webhookUrl, 'batch', {
        halt: 1,
        cmd: { a: 'im.recent.unread?DIALOG_ID=abc', b: 'im.recent.unread?DIALOG_ID=chat1' },
      }),
    );
    expect(Object.keys(r.result_error)).toEqual(['a']);
    expect(r.result).toEqual([]);
    expect(p.dialog('chat1')?.unread).toBe(false);
  });

  it('refuses more than 50 sub-calls with 400 ERROR_BATCH_LENGTH_EXCEEDED and runs none', async () => {
    const p = await start();
    const cmd = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'im.recent.unread?DIALOG_ID=chat1']));
    const a = await postJson(p.webhookUrl, 'batch', { cmd });
    expect(a.status).toBe(400);
    expect(a.json).toEqual({ error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' });
    expect(p.dialog('chat1')?.unread).toBe(false);
    delete cmd.k50;
    expect((await postJson(p.webhookUrl, 'batch', { cmd })).status).toBe(200);
  });

  it('refuses a nested batch per sub-call with ERROR_BATCH_METHOD_NOT_ALLOWED', async () => {
    const p = await start();
    const a = await postJson(p.webhookUrl, 'batch', { cmd: { inner: 'batch?cmd[a]=profile', ok: 'profile' } });
    expect(a.status).toBe(200);
    const r = resultOf(a);
    expect(r.result_error.inner.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED');
    expect(r.result.ok.ID).toBe('1');
  });

  it('applies method-specific error and result:false faults to sub-calls', async () => {
    const p = await start();
    p.inject({
      kind: 'error',
      method: 'im.recent.unread',
      code: 'ACCESS_ERROR',
      status: 400,
      description: 'No access',
    });
    p.inject({ kind: 'resultFalse', method: 'im.recent.unread' });
    const r = resultOf(
      await postJson(p.webhookUrl, 'batch', {
        cmd: {
          a: 'im.recent.unread?DIALOG_ID=chat1',
          b: 'im.recent.unread?DIALOG_ID=chat1',
          c: 'im.recent.unread?DIALOG_ID=chat2',
        },
      }),
    );
    expect(r.result_error).toEqual({ a: { error: 'ACCESS_ERROR', error_description: 'No access' } });
    expect(r.result).toEqual({ b: false, c: true });
    expect(p.dialog('chat1')?.unread).toBe(false);
  });
});
