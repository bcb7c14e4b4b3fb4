/**
 * The bench's cut of a toggle into phases (bench/phases.ts): the request's two instants come from
 * the diagnostics channels Node's fetch publishes, so a Node whose undici renamed them would leave
 * the row empty; this fails first.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { phasesOf, recordHttp, type HttpEvent } from '../bench/phases';

describe('phasesOf', () => {
  const events: HttpEvent[] = [
    { kind: 'sent', at: 1 }, // a set-up request, before the span
    { kind: 'answered', at: 2 },
    { kind: 'sent', at: 10.5 },
    { kind: 'answered', at: 12 },
  ];

  it("cuts the span at its own request's instants, not at a set-up request's before it", () => {
    expect(phasesOf(events, 10, 12.5)).toEqual({ leaveMs: 0.5, roundTripMs: 1.5, afterMs: 0.5 });
  });

  it('is null when the span holds no whole request', () => {
    expect(phasesOf(events, 13, 20)).toBeNull();
    expect(phasesOf(events, 10, 11)).toBeNull(); // the answer came after the span
  });
});

describe('recordHttp', () => {
  it("records a fetch's headers handed to the socket, then its answer's end, within the fetch", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"result":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const http = recordHttp();
    try {
      const { port } = server.address() as AddressInfo;
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/rest/1/x/im.recent.unread.json`, {
        method: 'POST',
        body: '{}',
      });
      expect(await res.json()).toEqual({ result: true });
      const t1 = performance.now();
      expect(http.events.map((e) => e.kind)).toEqual(['sent', 'answered']);
      const cut = phasesOf(http.events, t0, t1)!;
      expect(cut.leaveMs).toBeGreaterThanOrEqual(0);
      expect(cut.roundTripMs).toBeGreaterThan(0);
      expect(cut.leaveMs + cut.roundTripMs + cut.afterMs).toBeCloseTo(t1 - t0, 6);
    } finally {
      http.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
