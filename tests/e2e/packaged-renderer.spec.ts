/**
 * One renderer build (issue 12): the page these tests drive is exactly what
 * electron-builder packages (electron-builder.yml `files`: out/renderer/**):
 * the same index.html with its CSP, the same minified bundle. The preview
 * adds only its bridge script (window.api over HTTP instead of IPC).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagedRendererDir } from '../../scripts/renderer-out';
import { injectBridge } from '../../dev/preview/web-server';
import { test, expect } from './fixtures';

test('the preview serves the packaged index.html and bundle byte for byte', async ({ app }) => {
  const dir = packagedRendererDir();
  const packagedHtml = readFileSync(join(dir, 'index.html'), 'utf8');
  const served = await app.evaluate(async () => (await fetch('/')).text());
  expect(served).toBe(injectBridge(packagedHtml));
  expect(packagedHtml).toContain('http-equiv="Content-Security-Policy"');

  const assets = [...packagedHtml.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
  for (const asset of assets) {
    const body = await app.evaluate(async (a) => (await fetch(`/${a}`)).text(), asset);
    expect(body, asset).toBe(readFileSync(join(dir, asset), 'utf8'));
  }
  // The CSP the page runs under is the packaged one.
  const csp = await app.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
  );
  expect(csp).toBe(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(packagedHtml)?.[1]);
});

test('the popup loads with nothing in the console', async ({ page, preview }) => {
  const logged: string[] = [];
  page.on('pageerror', (e) => logged.push(String(e)));
  page.on('console', (m) => {
    // The browser asks the preview's server for /favicon.ico on its own; Electron's window has no
    // favicon fetcher, so the packaged popup never does.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.location().url.endsWith('/favicon.ico'))
      logged.push(`${m.type()}: ${m.text()}`);
  });
  await page.goto(preview.url);
  await expect(page.getByRole('switch').first()).toBeVisible();
  expect(logged).toEqual([]);
});
