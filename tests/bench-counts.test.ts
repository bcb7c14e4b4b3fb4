/**
 * The benchmark's regression check (issue 5): it may fail CI on COUNTS
 * only — requests spent and bytes shipped — never on times. The workloads
 * are the bench's own (bench/workloads.ts: the real core against the fake
 * portal with its real 2/s, burst 50 bucket), so the table in
 * bench/results.md and this check cannot drift apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JS_GZIP_TARGET_BYTES, buildRenderer, measureBundle } from '../bench/bundle';
import { closePortalHost } from '../bench/portal';
import { oursIdlePoll, runOurs } from '../bench/workloads';

describe('requests the app spends (bench counts)', () => {
  // The workloads' portals run in one child process (bench/portal.ts), as in `npm run bench`.
  afterAll(() => closePortalHost());

  it('one toggle costs exactly 1 request', async () => {
    const r = await runOurs('toggle');
    expect(r.requests).toBe(1);
    expect(r.rejected).toBe(0);
  });

  it('Mark all read of 200 dialogs with unread messages costs ceil(400 / 50) = 8 requests, and reads them', async () => {
    // runOurs checks the portal's state: every dialog's mark removed and counter 0.
    const r = await runOurs('read200');
    expect(r.requests).toBe(8);
    expect(r.rejected).toBe(0);
  });

  it('Mark all read of 200 dialogs carrying only the mark costs 4 requests', async () => {
    const r = await runOurs('read200mark');
    expect(r.requests).toBe(4);
    expect(r.rejected).toBe(0);
  });

  it('loading 300 recent dialogs with 40 pinned costs 1 request (the list is ordered pinned first)', async () => {
    const r = await runOurs('load300');
    expect(r.requests).toBe(1);
  });

  it('an idle poll costs 1 request per account, a muted private dialog with unread messages shown with its count', async () => {
    const r = await oursIdlePoll(2);
    expect(r.perAccount).toEqual([1, 1]);
  });
});

describe('bytes the popup ships (bench counts)', () => {
  it(`the packaged popup (electron-builder's out/renderer) is minified JS under ${JS_GZIP_TARGET_BYTES / 1024} KB gzipped (fresh build)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24ut-bundle-'));
    try {
      const sizes = measureBundle(buildRenderer(dir));
      expect(sizes.js.files).toBeGreaterThan(0);
      expect(sizes.js.minified).toBe(true);
      expect(sizes.css.minified).toBe(true);
      expect(sizes.js.gzip).toBeLessThan(JS_GZIP_TARGET_BYTES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
