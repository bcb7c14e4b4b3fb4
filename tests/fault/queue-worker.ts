/**
 * A separate app process for the "killed with a full queue" scenario:
 *
 *   node --import tsx tests/fault/queue-worker.ts toggle <dataDir> <portalUrl>
 *     opens the store in <dataDir> (signed in earlier), starts the real core,
 *     waits for the pinned list, toggles every pinned dialog (one per task, as
 *     key presses arrive), prints `ENQUEUED <n>` once every reply said the
 *     intent is persisted, then keeps draining until the parent SIGKILLs it.
 *   node --import tsx tests/fault/queue-worker.ts sendkill <dataDir> <portalUrl>
 *     starts the core (batch window 0, as the app), waits for the pinned list,
 *     marks every pinned dialog unread with one "Mark all" (setUnreadMany) and
 *     SIGKILLs itself the moment the request's body has been handed to the
 *     socket (undici's `undici:request:bodySent` diagnostics channel), before
 *     the queue's write; it first prints `SENT <queue length on disk>
 *     <dialog:action,...>` (the queue as a restart would load it then).
 *   node --import tsx tests/fault/queue-worker.ts drain <dataDir> <portalUrl>
 *     a restart: opens the same store, starts the core, waits until the queue
 *     is empty and prints `DRAINED <pendingBefore>`.
 *
 * The AES key of the secret box comes in B24_FAULT_KEY (hex), never on the
 * command line or in a file.
 */
import { channel } from 'node:diagnostics_channel';
import { writeSync } from 'node:fs';
import type { AccountSummary } from '../../src/shared/types';
import { openCore } from './harness';
import { until } from '../support/wait';
import { queueOnDisk } from '../support/queue-on-disk';

async function main(): Promise<void> {
  const [mode, dir, portalUrl] = process.argv.slice(2);
  const keyHex = process.env['B24_FAULT_KEY'] ?? '';
  if (
    !dir ||
    !portalUrl ||
    !/^[0-9a-f]{64}$/.test(keyHex) ||
    (mode !== 'toggle' && mode !== 'drain' && mode !== 'sendkill')
  ) {
    process.stderr.write(
      'usage: queue-worker.ts toggle|sendkill|drain <dataDir> <portalUrl> (B24_FAULT_KEY=<64 hex>)\n',
    );
    process.exit(2);
  }
  // The app's batch window (0: a lone "Mark all" leaves on the next turn); the fault suite's 10 ms otherwise.
  const h = openCore({
    dir,
    key: Buffer.from(keyHex, 'hex'),
    ...(mode === 'sendkill' ? { options: { batchWindowMs: 0 } } : {}),
  });
  // Stands in for the app's event loop: the core's own timers are unref'd.
  const alive = setInterval(() => {}, 1_000);
  const accounts: AccountSummary[] = h.core.state().accounts;
  const account = accounts.find((a) => a.origin === portalUrl);
  if (!account) throw new Error('the data dir has no account for this portal');
  if (mode === 'sendkill') {
    const bodySent = channel('undici:request:bodySent');
    const startedAt = Date.now();
    await h.core.start();
    // The list loaded from the portal (not only the cached one), so the request below goes out on that
    // warm keep-alive connection; on a new one the write overlaps the connection set-up instead.
    await until(() => (h.core.state().updatedAt ?? 0) >= startedAt, 10_000, 'the pinned list');
    const dialogs = h.core.state().dialogs.filter((d) => d.accountId === account.id && !d.unread);
    const marks = dialogs.map((d) => `${d.dialogId}:Y`).join(',');
    // Held in a variable: a channel nobody references may be collected with its subscribers (Node 20).
    bodySent.subscribe((msg) => {
      const path = (msg as { request?: { path?: string } }).request?.path ?? '';
      if (!/\/(batch|im\.recent\.unread)(\.json)?$/.test(path)) return;
      let onDisk = -1;
      try {
        onDisk = queueOnDisk(dir)?.length ?? -1;
      } catch {
        // unreadable: reported as -1
      }
      // Synchronous, so the line is out before the kill.
      writeSync(1, `SENT ${onDisk} ${marks}\n`);
      process.kill(process.pid, 'SIGKILL');
    });
    const r = await h.core.dispatch('setUnreadMany', [
      dialogs.map((d) => ({ accountId: account.id, dialogId: d.dialogId })),
      true,
    ]);
    // Only reached if the reply ("safe") came before any request left: the parent sees no SENT line.
    process.stderr.write(`no request left (${JSON.stringify(r)})\n`);
    process.exit(3);
  } else if (mode === 'toggle') {
    await h.core.start();
    await until(() => h.core.state().dialogs.length > 0, 10_000, 'the pinned list');
    const dialogs = h.core.state().dialogs.filter((d) => d.accountId === account.id);
    const out: string[] = [];
    const replies: Promise<void>[] = [];
    // As key presses arrive: one IPC message per task, none waiting for the previous reply.
    for (const d of dialogs) {
      replies.push(
        h.core.dispatch('setUnread', [account.id, d.dialogId, !d.unread]).then((r) => {
          if (!r.ok) throw new Error(`setUnread failed: ${r.error.code}`);
        }),
      );
      out.push(`${d.dialogId}:${d.unread ? 'N' : 'Y'}`);
      await new Promise<void>((r) => setImmediate(r));
    }
    await Promise.all(replies);
    // Each reply comes once its intent is on disk: everything printed here survives a kill.
    process.stdout.write(`ENQUEUED ${out.length} ${out.join(',')}\n`);
    // Keeps draining (kept alive by `alive`) until the parent kills it.
  } else {
    const before = h.core.state().pendingActions;
    await h.core.start();
    await until(() => h.core.state().pendingActions === 0, 20_000, 'the queue to drain');
    await h.core.stop();
    clearInterval(alive);
    process.stdout.write(`DRAINED ${before}\n`);
    process.exit(0);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`queue-worker failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
