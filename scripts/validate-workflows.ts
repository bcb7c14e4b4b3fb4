/**
 * `npm run lint:workflows` (part of `npm run lint`, so of `npm test`):
 * validates every GitHub Actions workflow under .github/workflows against
 * GitHub's schema with action-validator (@action-validator/cli, pinned;
 * runs offline: the schema ships inside its WebAssembly core).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs action-validator on one file; returns its exit code and output. */
export function validateWorkflow(file: string): { ok: boolean; output: string } {
  const require = createRequire(join(root, 'package.json'));
  const cli = join(dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs');
  const r = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The workflow files, relative to the repository root. */
export function workflowFiles(): string[] {
  const dir = join(root, '.github', 'workflows');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join('.github', 'workflows', f));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let failed = 0;
  for (const file of workflowFiles()) {
    const r = validateWorkflow(join(root, file));
    if (r.ok) process.stdout.write(`workflow ok: ${file}\n`);
    else {
      failed++;
      process.stderr.write(`workflow INVALID: ${file}\n${r.output}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}
