/**
 * Electron checklist items testable in plain Node that the adapters' own
 * tests (src/main/electron/*.test.ts, src/preload/index.test.ts,
 * tests/packaging) do not already cover:
 *   - the page's CSP meta tag and the session's CSP header agree (the
 *     header is tested alone in popup-window.test.ts);
 *   - the page loads nothing but its own module script (no inline script,
 *     no remote resource);
 *   - `openExternal` is reached only with URLs of the signed-in portal,
 *     whatever the renderer sends (the adapter's own test checks the
 *     scheme only; here the real core decides the host).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/security';
import { parseDialogId } from '../../src/shared/dialog-id';
import { generateDialogs, startFakePortal, type FakePortal } from '../../dev/fake-portal/server';
import { openCore, signInWebhook, type CoreHandle } from '../fault/harness';

// security.ts imports electron: the typed test double stands in (the real module would try to download a binary).
vi.mock('electron', async () => (await import('../mocks/electron')).electronModule);

const INDEX_HTML = readFileSync(join(process.cwd(), 'src/renderer/index.html'), 'utf8');

/** directive → sources, from a policy string. */
function parsePolicy(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** What a fetch directive effectively allows (CSP3: an absent fetch directive falls back to default-src). */
function effective(p: Map<string, string[]>, directive: string): string {
  const fetchDirective = directive.endsWith('-src');
  const v = p.get(directive) ?? (fetchDirective ? p.get('default-src') : undefined);
  return v ? [...v].sort().join(' ') : '(none given)';
}

function metaPolicy(html: string): string {
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!m) throw new Error('src/renderer/index.html has no CSP meta tag');
  return m[1]!;
}

describe('CSP: the page and the session header agree', () => {
  const meta = parsePolicy(metaPolicy(INDEX_HTML));
  const header = parsePolicy(CONTENT_SECURITY_POLICY);

  it.each([
    'default-src',
    'script-src',
    'style-src',
    'img-src',
    'connect-src',
    'font-src',
    'object-src',
    'media-src',
    'frame-src',
    'worker-src',
    'base-uri',
    'form-action',
  ])('%s is the same in the meta tag and the header', (d) => {
    expect(effective(meta, d)).toBe(effective(header, d));
  });

  it('scripts come from the app only: no inline, no eval, no wildcard, in either', () => {
    for (const p of [meta, header]) {
      expect(p.get('default-src')).toEqual(["'none'"]);
      expect(p.get('script-src')).toEqual(["'self'"]);
      for (const sources of p.values()) {
        expect(sources).not.toContain("'unsafe-eval'");
        expect(sources).not.toContain('*');
        expect(sources).not.toContain('http:');
      }
    }
    // frame-ancestors is ignored in a meta tag: the header must carry it.
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('the meta tag holds only what a meta tag can: no frame-ancestors (Chromium ignores it there and logs an error at every load)', () => {
    expect(meta.has('frame-ancestors')).toBe(false);
  });
});

describe('the page loads only its own code', () => {
  it('one module script with a relative src, no inline script, no remote resource', () => {
    const scripts = [...INDEX_HTML.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    const [, attrs, body] = scripts[0]!;
    expect(attrs).toMatch(/type="module"/);
    expect(attrs).toMatch(/src="\.\/[^"]+"/);
    expect(body!.trim()).toBe('');
    expect(INDEX_HTML).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//i);
    expect(INDEX_HTML).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('openExternal reaches only the signed-in portal', () => {
  let portal: FakePortal;
  let h: CoreHandle;
  let acc: string;

  beforeAll(async () => {
    portal = await startFakePortal({ seed: generateDialogs(6, { pinned: 4 }), rateLimit: false });
    h = openCore({ browser: false });
    acc = await signInWebhook(h, portal);
  });
  afterAll(async () => {
    await h.core.stop();
    await portal.close();
  });

  it('whatever openInBitrix is given, what gets opened is <portal>/online/?IM_DIALOG=<valid id>', async () => {
    const dialog = fc.oneof(
      fc.constantFrom('chat74', '1000', 'sg17', 'chat1002'),
      fc.constantFrom(
        '//evil.example/x',
        'https://evil.example/',
        '1000&IM_DIALOG=x',
        '1000#@evil.example',
        '../../x',
        'javascript:alert(1)',
        '%2F%2Fevil.example',
        'chat1\nLocation: https://evil.example',
      ),
      fc.string({ maxLength: 60 }),
      fc.anything(),
    );
    const account = fc.oneof(fc.constant(acc), fc.constantFrom('', 'nobody', `${acc}/..`), fc.anything());
    await fc.assert(
      fc.asyncProperty(account, dialog, async (a, d) => {
        const before = h.opened.length;
        const r = await h.core.dispatch('openInBitrix', [a, d]);
        const opened = h.opened.slice(before);
        if (!r.ok) {
          expect(opened).toEqual([]);
          return;
        }
        expect(opened).toHaveLength(1);
        const url = new URL(opened[0]!);
        expect(url.origin).toBe(portal.url);
        expect(url.pathname).toBe('/online/');
        expect([...url.searchParams.keys()]).toEqual(['IM_DIALOG']);
        expect(parseDialogId(url.searchParams.get('IM_DIALOG'))?.id).toBe(url.searchParams.get('IM_DIALOG'));
        expect(url.username + url.password + url.hash).toBe('');
      }),
      { numRuns: 200 },
    );
    expect(h.opened.length).toBeGreaterThan(0);
  });
});
