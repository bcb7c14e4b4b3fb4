/**
 * `npm run test:security`: Doyensec's electronegativity over the app's
 * Electron surface; exits non-zero on any finding nobody explained.
 *
 * What is scanned: the SOURCE of everything that ships, staged into a temp
 * dir without tests: src/main (the composition root, the Electron adapters
 * and the core), src/preload, the renderer's TypeScript and its
 * index.html (the CSP meta tag). Not the built out/ dir: the bundle drops
 * comments (so the justifications next to the code would be lost) and its
 * findings point into minified code instead of a file and line to fix.
 * Not tests/ or scripts/: they are never packaged, and test doubles hold
 * deliberately bad values (e.g. a weak CSP to prove it is rejected).
 *
 * How a finding is explained, in order of preference:
 *   1. fixed;
 *   2. `// eng-disable CHECK_ID: why` on the flagged line (electronegativity
 *      itself honours it). This script insists on the "why": on the same
 *      line after the ids, or in a comment on the line just above;
 *   3. an entry `{ check, file, sample?, reason }` in scripts/electronegativity.allow.json,
 *      for findings without a line (global checks) or in files where a
 *      comment cannot go (HTML attributes). An entry that no longer matches
 *      a finding fails too, so the list cannot silently outlive its reason.
 *
 * No network: the releases check (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK)
 * downloads Electron's release list with no timeout and is skipped (the
 * Electron version is pinned in package.json and updated deliberately);
 * the tool's translation fetch gives up after 1 s on its own ("Could not
 * retrieve updated translations" is harmless). A hard time limit guards
 * against anything else hanging.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { filesUnder } from './files-under';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWLIST = join(ROOT, 'scripts', 'electronegativity.allow.json');
const TIME_LIMIT_MS = 120_000;
/** Skipped: needs the network (see the header). */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** What is staged: [path under the repo, files to take]. */
const SOURCES: { dir: string; take: (file: string) => boolean }[] = [
  { dir: 'src/main', take: (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') },
  { dir: 'src/preload', take: (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') },
  { dir: 'src/renderer', take: (f) => (f.endsWith('.ts') && !f.endsWith('.test.ts')) || f.endsWith('index.html') },
];

/** One finding, with its file relative to the repository root (or `N/A` for a global check). */
export interface Finding {
  check: string;
  file: string;
  line: number;
  severity: string;
  confidence: string;
  description: string;
  sample: string;
}

/** An explained finding without a line of its own. */
export interface AllowEntry {
  check: string;
  file: string;
  /** Optional: a piece of the flagged code, so that an entry covers that one finding, not the whole file. */
  sample?: string;
  reason: string;
}

/** The outcome of {@link evaluate}. */
export interface Verdict {
  unexplained: Finding[];
  allowed: { finding: Finding; reason: string }[];
  stale: AllowEntry[];
  badEntries: string[];
}

/** Sorts findings into explained and not; entries that match nothing are stale. Pure, for tests. */
export function evaluate(findings: Finding[], allow: unknown): Verdict {
  const entries: AllowEntry[] = [];
  const badEntries: string[] = [];
  if (!Array.isArray(allow)) badEntries.push('the allowlist must be a JSON array of { check, file, reason }');
  else {
    allow.forEach((e: unknown, i) => {
      const o = (e ?? {}) as Record<string, unknown>;
      if (typeof o.check !== 'string' || typeof o.file !== 'string' || typeof o.reason !== 'string') {
        badEntries.push(`entry ${i}: needs string check, file and reason`);
      } else if (o.reason.trim().split(/\s+/).length < 5) {
        badEntries.push(`entry ${i} (${o.check} in ${o.file}): the reason must say why, in a sentence`);
      } else if (o.sample !== undefined && typeof o.sample !== 'string') {
        badEntries.push(`entry ${i} (${o.check} in ${o.file}): sample must be a string`);
      } else {
        entries.push({
          check: o.check,
          file: o.file,
          reason: o.reason,
          ...(typeof o.sample === 'string' ? { sample: o.sample } : {}),
        });
      }
    });
  }
  const used = new Set<AllowEntry>();
  const unexplained: Finding[] = [];
  const allowed: Verdict['allowed'] = [];
  for (const f of findings) {
    const entry = entries.find(
      (e) => e.check === f.check && e.file === f.file && (e.sample === undefined || f.sample.includes(e.sample)),
    );
    if (entry) {
      used.add(entry);
      allowed.push({ finding: f, reason: entry.reason });
    } else unexplained.push(f);
  }
  return { unexplained, allowed, stale: entries.filter((e) => !used.has(e)), badEntries };
}

/**
 * `eng-disable` comments that give no reason: none on the line after the
 * check ids, and no comment on the line above. Returns `file:line` strings.
 */
export function unjustifiedDisables(files: { path: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const m = /(?:\/\/|\/\*|<!--)[ \t]*eng-disable[ \t]+[\w \t]+(.*)$/.exec(line);
      if (!m) return;
      const rest = (m[1] ?? '').replace(/\*\/|-->/g, '').replace(/^[\s:—–-]+/, '');
      const above = (lines[i - 1] ?? '').trim();
      const commentAbove = /^(\/\/|\*|\/\*)\s*\S.{10,}/.test(above);
      if (rest.trim().length < 10 && !commentAbove) out.push(`${path}:${i + 1}`);
    });
  }
  return out;
}

/** Copies the scanned files into a fresh temp dir; returns it and the staged files (repo-relative paths). */
function stage(): { dir: string; files: { path: string; text: string }[] } {
  const dir = mkdtempSync(join(tmpdir(), 'b24-electronegativity-'));
  const files: { path: string; text: string }[] = [];
  for (const src of SOURCES) {
    for (const abs of filesUnder(join(ROOT, src.dir))) {
      if (!src.take(abs)) continue;
      const rel = relative(ROOT, abs).split(sep).join('/');
      const target = join(dir, rel);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(abs, target);
      files.push({ path: rel, text: readFileSync(abs, 'utf8') });
    }
  }
  return { dir, files };
}

interface RawIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name?: string } | string;
  confidence: { name?: string } | string;
  description: string;
  sample?: unknown;
}
type Runner = (
  options: Record<string, unknown>,
  forCli: boolean,
) => Promise<{ errors: { file: string; message: string; tolerable: boolean }[]; issues: RawIssue[] }>;

const nameOf = (v: { name?: string } | string): string => (typeof v === 'string' ? v : (v.name ?? '?'));

/** The installed Electron's version (version-dependent defaults such as sandbox are judged right). */
export function installedElectronVersion(): string {
  return (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
}

/**
 * Runs electronegativity over `dir` in this process (no network: see the
 * header) and returns its findings with `dir`-relative paths, plus the
 * files it could not parse. Rejects after {@link TIME_LIMIT_MS}.
 */
export async function scan(
  dir: string,
  electronVersion: string,
): Promise<{ findings: Finding[]; unparsed: { file: string; message: string }[] }> {
  const mod = createRequire(import.meta.url)('@doyensec/electronegativity/dist/runner.js') as
    Runner | { default: Runner };
  const run: Runner = typeof mod === 'function' ? mod : mod.default;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${TIME_LIMIT_MS / 1000} s`)), TIME_LIMIT_MS);
    timer.unref();
  });
  try {
    const result = await Promise.race([
      run(
        {
          input: dir,
          customScan: [],
          excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
          isRelative: true,
          isVerbose: false,
          electronVersionOverride: electronVersion,
          parserPlugins: [],
        },
        false,
      ),
      timeout,
    ]);
    return {
      findings: result.issues.map((i) => ({
        check: i.id,
        file: i.file === 'N/A' ? 'N/A' : i.file.split(sep).join('/'),
        line: i.location.line,
        severity: nameOf(i.severity),
        confidence: nameOf(i.confidence),
        description: i.description,
        sample: typeof i.sample === 'string' ? i.sample.slice(0, 120) : '',
      })),
      unparsed: result.errors
        .filter((e) => !e.tolerable)
        .map((e) => ({ file: relative(dir, e.file), message: e.message })),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  const electronVersion = installedElectronVersion();
  const { dir, files } = stage();
  let findings: Finding[];
  let unparsed: { file: string; message: string }[];
  try {
    ({ findings, unparsed } = await scan(dir, electronVersion));
  } catch (e) {
    console.error(`electronegativity failed: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let allow: unknown;
  try {
    allow = JSON.parse(readFileSync(ALLOWLIST, 'utf8'));
  } catch (e) {
    allow = null;
    console.error(`cannot read ${relative(ROOT, ALLOWLIST)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const verdict = evaluate(findings, allow);
  const unjustified = unjustifiedDisables(files);
  const inline = files.reduce((n, f) => n + (f.text.match(/eng-disable/g)?.length ?? 0), 0);

  console.log(
    `electronegativity (Electron ${electronVersion}): ${files.length} files scanned, ${findings.length} finding(s), ` +
      `${verdict.allowed.length} explained in ${relative(ROOT, ALLOWLIST)}, ${inline} explained inline (eng-disable)`,
  );
  for (const { finding: f, reason } of verdict.allowed)
    console.log(`  ok   ${f.check} ${f.file}:${f.line} — ${reason}`);
  let failed = false;
  for (const f of verdict.unexplained) {
    failed = true;
    console.error(
      `  FAIL ${f.check} [${f.severity}/${f.confidence}] ${f.file}:${f.line} ${f.description}${f.sample ? ` — ${f.sample}` : ''}`,
    );
  }
  for (const e of verdict.stale) {
    failed = true;
    console.error(`  FAIL allowlist entry ${e.check} for ${e.file} matches no finding any more: remove it`);
  }
  for (const b of verdict.badEntries) {
    failed = true;
    console.error(`  FAIL allowlist: ${b}`);
  }
  for (const where of unjustified) {
    failed = true;
    console.error(`  FAIL ${where}: eng-disable without a reason (say why on that line or in a comment just above)`);
  }
  for (const e of unparsed) {
    failed = true;
    console.error(`  FAIL ${e.file} could not be parsed, so it was not checked: ${e.message}`);
  }
  if (failed) {
    console.error('Fix each finding, or explain it next to the code (eng-disable) or in the allowlist.');
    return 1;
  }
  console.log('electronegativity: every finding is fixed or explained.');
  return 0;
}

// Run only as a script (tests import the pure helpers).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
