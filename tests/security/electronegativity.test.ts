/**
 * The electronegativity gate (scripts/electronegativity.ts): it must catch a
 * real misconfiguration, accept only explained findings, and refuse
 * explanations that explain nothing.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  evaluate,
  installedElectronVersion,
  scan,
  unjustifiedDisables,
  type Finding,
} from '../../scripts/electronegativity';

const finding = (check: string, file: string, sample = ''): Finding => ({
  check,
  file,
  line: 3,
  severity: 'HIGH',
  confidence: 'FIRM',
  description: 'd',
  sample,
});
const because = 'because the value is a constant checked right above';

describe('electronegativity gate', () => {
  it('flags a planted insecure window and openExternal (the scan really looks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-eng-'));
    writeFileSync(
      join(dir, 'main.js'),
      [
        "const { BrowserWindow, shell } = require('electron');",
        'function open(url) {',
        '  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });',
        '  shell.openExternal(url);',
        '  return w;',
        '}',
        'module.exports = { open };',
      ].join('\n'),
    );
    const { findings, unparsed } = await scan(dir, installedElectronVersion());
    expect(unparsed).toEqual([]);
    const checks = findings.map((f) => f.check);
    expect(checks).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'OPEN_EXTERNAL_JS_CHECK',
        // No will-navigate / permission handler anywhere in the planted app (the real one has both: security.ts).
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]),
    );
    // The project's allowlist explains none of these.
    const allow: unknown = JSON.parse(
      readFileSync(join(process.cwd(), 'scripts/electronegativity.allow.json'), 'utf8'),
    );
    const verdict = evaluate(findings, allow);
    expect(verdict.unexplained.map((f) => f.check)).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']),
    );
  }, 60_000);

  it('an allowlist entry explains its own finding only, and a stale entry fails', () => {
    const v = evaluate(
      [
        finding('OPEN_EXTERNAL_JS_CHECK', 'src/a.ts', 'openExternal(safe)'),
        finding('OPEN_EXTERNAL_JS_CHECK', 'src/a.ts', 'openExternal(other)'),
        finding('CSP_GLOBAL_CHECK', 'src/index.html'),
      ],
      [
        { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'src/a.ts', sample: 'openExternal(safe)', reason: because },
        { check: 'CSP_GLOBAL_CHECK', file: 'src/index.html', reason: because },
        { check: 'SANDBOX_JS_CHECK', file: 'src/gone.ts', reason: because },
      ],
    );
    expect(v.allowed.map((a) => a.finding.sample)).toEqual(['openExternal(safe)', '']);
    expect(v.unexplained.map((f) => f.sample)).toEqual(['openExternal(other)']);
    expect(v.stale.map((e) => e.file)).toEqual(['src/gone.ts']);
    expect(v.badEntries).toEqual([]);
  });

  it('refuses entries without a real reason, and a list that is not a list', () => {
    expect(evaluate([], [{ check: 'X', file: 'f', reason: 'ok' }]).badEntries).toHaveLength(1);
    expect(evaluate([], [{ check: 'X', file: 'f' }]).badEntries).toHaveLength(1);
    expect(evaluate([], { check: 'X' }).badEntries).toHaveLength(1);
    expect(evaluate([], [{ check: 'X', file: 'f', sample: 3, reason: because }]).badEntries).toHaveLength(1);
  });

  it('requires a reason for every eng-disable, on the line or in a comment just above', () => {
    const text = [
      'a(); // eng-disable OPEN_EXTERNAL_JS_CHECK',
      'b(); // eng-disable OPEN_EXTERNAL_JS_CHECK: the scheme is checked just above',
      '// The remote module was removed in Electron 14: nothing to disable.',
      'c(); // eng-disable REMOTE_MODULE_JS_CHECK',
      '<meta content="x" /> <!-- eng-disable CSP_GLOBAL_CHECK -->',
      '<meta content="y" /> <!-- eng-disable CSP_GLOBAL_CHECK - styles only, scripts stay self -->',
    ].join('\n');
    expect(unjustifiedDisables([{ path: 'f.ts', text }])).toEqual(['f.ts:1', 'f.ts:5']);
  });
});
