/**
 * The GitHub workflows (issue 12): CI on push and pull request on Linux,
 * macOS and Windows (set-up, `npm test`; on Linux the `_electron` smoke specs
 * under Xvfb), and a release on version tags that signs only with the
 * repository's secrets. Each file must also pass action-validator (the
 * same check `npm run lint:workflows` runs).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateWorkflow, workflowFiles } from '../../scripts/validate-workflows';

const ROOT = resolve(import.meta.dirname, '../..');
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
type Step = { name?: string; run?: string; if?: string; env?: Record<string, string>; uses?: string };
type Job = { 'runs-on': string; strategy?: { matrix: { include: { os: string }[] } }; steps: Step[] };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };
const load = (name: string): Workflow =>
  yaml.load(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as Workflow;

describe('GitHub workflows', () => {
  it('every workflow passes action-validator, which does reject a broken one', () => {
    expect(workflowFiles()).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yml']);
    for (const file of workflowFiles()) {
      const r = validateWorkflow(join(ROOT, file));
      expect(r.ok, `${file}: ${r.output}`).toBe(true);
    }
    const dir = mkdtempSync(join(tmpdir(), 'b24ut-wf-'));
    try {
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - rn: npm test\n');
      expect(validateWorkflow(bad).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CI: push and pull request on the three OSes, npm test, and the Electron specs under xvfb on Linux', () => {
    const ci = load('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const job = Object.values(ci.jobs)[0]!;
    expect(job.strategy!.matrix.include.map((m) => m.os).sort()).toEqual([
      'macos-latest',
      'ubuntu-latest',
      'windows-latest',
    ]);
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs).toContain('bash scripts/setup.sh');
    expect(runs).toContain('npm test');
    const smoke = job.steps.find((s) => s.run === 'xvfb-run -a npm run test:electron');
    expect(smoke?.if).toBe("runner.os == 'Linux'");
    // The binary comes from the electron package's own installer, before the smoke specs.
    const fetchAt = runs.indexOf('node node_modules/electron/install.js');
    expect(fetchAt).toBeGreaterThan(-1);
    expect(fetchAt).toBeLessThan(runs.indexOf(smoke!.run!));
  });

  it('release: on version tags, publishes where electron-updater looks, signs only with the secrets, says what unsigned means', () => {
    const rel = load('release.yml');
    expect(rel.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const build = rel.jobs.build!;
    expect(build.strategy!.matrix.include.map((m) => m.os).sort()).toEqual([
      'macos-latest',
      'ubuntu-latest',
      'windows-latest',
    ]);
    const builder = build.steps.find((s) => s.run?.includes('electron-builder'))!;
    // electron-builder.yml's generic feed, baked to the release's download folder; latest*.yml uploaded with the installers.
    expect(builder.run).toContain('-c.publish.url="$FEED_URL"');
    const upload = build.steps.find((s) => s.run?.includes('gh release upload'))!;
    expect(upload.run).toContain('latest*.yml');
    for (const secret of [
      'WIN_CSC_LINK',
      'WIN_CSC_KEY_PASSWORD',
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'APPLE_ID',
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_TEAM_ID',
    ]) {
      expect(builder.env?.[secret]).toBe(`\${{ secrets.${secret} }}`);
    }
    // The app learns whether it was signed (it never installs unsigned updates silently).
    expect(builder.run).toContain('-c.extraMetadata.b24ut.signed="$SIGNED"');
    const status = build.steps.find((s) => s.name === 'Signing status')!;
    expect(status.run).toMatch(/::warning::UNSIGNED.*SmartScreen.*Gatekeeper.*opens the release page/s);
  });
});
