/** The machine and the versions a bench run used, for bench/results.md. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bundle';

/** What the results were measured on. */
export interface BenchEnv {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  /** name → version of the packages that matter here. */
  packages: Record<string, string>;
  /** 1-minute load average when the run started and ended (other work on the machine skews times). */
  load: { start: number; end: number };
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)?.[1];
    if (pretty) return `${pretty} (${osType()} ${release()})`;
  } catch {
    // Not Linux, or no os-release: the kernel line is enough.
  }
  return `${osType()} ${release()} (${platform()})`;
}

function installedVersion(name: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

/** Collects the environment; `chromium` is the browser version the popup rows ran in (null if they did not). */
export function benchEnv(chromium: string | null, loadAtStart: number): BenchEnv {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    devDependencies?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  const pinned = { ...own.dependencies, ...own.devDependencies };
  const packages: Record<string, string> = { [own.name]: own.version };
  for (const name of ['electron', 'svelte', 'vite', '@bitrix24/b24jssdk', '@playwright/test', 'typescript', 'tsx']) {
    // Electron's binary is not installed here: report the pinned version; the rest as installed.
    packages[name] = (name === 'electron' ? pinned[name] : installedVersion(name)) ?? pinned[name] ?? '?';
  }
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
    chromium,
    packages,
    load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
}
