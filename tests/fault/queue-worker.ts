/**
 * A separate app process for the "killed with a full queue" scenario:
 *
 *   node --import tsx tests/fault/queue-worker.ts toggle <dataDir> <portalUrl>
 *     opens the store in <dataDir> (signed in earlier), starts the real core,
 *     waits for the pinned list, toggles every pinned dialog, prints
 *     `ENQUEUED <n>` once the intents are persisted, then keeps draining
 *     until the parent SIGKILLs it.
 *   node --import tsx tests/fault/queue-worker.ts drain <dataDir> <portalUrl>
 *     a restart: opens the same store, starts the core, waits until the queue
 *     is empty and prints `DRAINED <pendingBefore>`.
 *
 * The AES key of the secret box comes in B24_FAULT_KEY (hex), never on the
 * command line or in a file.
 */
import type { AccountSummary } from '../../src/shared/types';
import { openCore } from './harness';
import { until } from '../support/wait';

async function main(): Promise<void> {
  const [mode, dir, portalUrl] = process.argv.slice(2);
  const keyHex = process.env['B24_FAULT_KEY'] ?? '';
  if (!dir || !portalUrl || !/^[0-9a-f]{64}$/.test(keyHex) || (mode !== 'toggle' && mode !== 'drain')) {
    process.stderr.write('usage: queue-worker.ts toggle|drain <dataDir> <portalUrl> (B24_FAULT_KEY=<64 hex>)\n');
    process.exit(2);
  }
  const h = openCore({ dir, key: Buffer.from(keyHex, 'hex') });
  // Stands in for the app's event loop: the core's own timers are unref'd.
  const alive = setInterval(() => {}, 1_000);
  const accounts: AccountSummary[] = h.core.state().accounts;
  const account = accounts.find((a) => a.origin === portalUrl);
  if (!account) throw new Error('the data dir has no account for this portal');
  if (mode === 'toggle') {
    await h.core.start();
    await until(() => h.core.state().dialogs.length > 0, 10_000, 'the pinned list');
    const dialogs = h.core.state().dialogs.filter((d) => d.accountId === account.id);
    const out: string[] = [];
    for (const d of dialogs) {
      const r = await h.core.dispatch('setUnread', [account.id, d.dialogId, !d.unread]);
      if (!r.ok) throw new Error(`setUnread failed: ${r.error.code}`);
      out.push(`${d.dialogId}:${d.unread ? 'N' : 'Y'}`);
    }
    // enqueue() persists before it returns: everything printed here survives a kill.
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
