import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs the CLI under tsx; resolves once `until` matches stdout (or the process exits). */
function run(
  args: string[],
  until?: RegExp,
): Promise<{ out: string; err: string; code: number | null; kill: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const kill = (): void => {
      child.kill('SIGTERM');
    };
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (until?.test(out)) resolve({ out, err, code: null, kill });
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ out, err, code, kill }));
  });
}

describe('fake portal CLI', () => {
  it('prints the portal URL, webhook URL and OAuth client, and serves the demo portal', async () => {
    const r = await run(['--seed', 'demo', '--port', '0', '--no-rate-limit'], /Ctrl\+C/);
    try {
      const webhook = /webhook URL:\s+(\S+)/.exec(r.out)?.[1];
      expect(r.out).toMatch(/Fake Bitrix24 portal: http:\/\/127\.0\.0\.1:\d+/);
      expect(r.out).toMatch(/OAuth client:\s+local\.\S+/);
      expect(r.out).toMatch(/OAuth secret:\s+\S+/);
      expect(webhook).toBeDefined();
      const res = await fetch(`${webhook}im.recent.list?LIMIT=200`);
      const body = (await res.json()) as { result: { items: Array<{ pinned: boolean }> } };
      expect(body.result.items).toHaveLength(12);
      expect(body.result.items.filter((i) => i.pinned)).toHaveLength(6);
    } finally {
      r.kill();
    }
  });

  it('exits with 2 and says why on a bad argument', async () => {
    const r = await run(['--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--port must be an integer/);
  });
});
