import { describe, expect, it } from 'vitest';
import type { ViewState } from '../../../shared/types';
import type { Logger } from '../ports';
import { createEventBus } from './bus';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('event bus', () => {
  it('coalesces the pushes of one tick into one `state`, delivered before a reply that awaits anything', async () => {
    let n = 0;
    const bus = createEventBus({ logger: quiet, state: () => ({ status: 'ready', n: ++n }) as unknown as ViewState });
    const got: unknown[] = [];
    bus.on('state', (s) => got.push(s));
    for (let i = 0; i < 200; i++) bus.push();
    expect(got).toEqual([]); // not synchronously inside the request
    await Promise.resolve();
    expect(got).toEqual([{ status: 'ready', n: 1 }]);
  });

  it('a throwing listener is logged and the others still get the event', () => {
    const errors: string[] = [];
    const bus = createEventBus({ logger: { ...quiet, error: (m) => errors.push(m) }, state: () => ({}) as ViewState });
    const got: unknown[] = [];
    bus.on('shown', () => {
      throw new Error('boom');
    });
    bus.on('shown', (p) => got.push(p));
    bus.emit('shown', { focus: null });
    expect(got).toEqual([{ focus: null }]);
    expect(errors).toEqual(['Event listener failed']);
  });

  it('unsubscribes, and after close() nothing is pushed', async () => {
    const bus = createEventBus({ logger: quiet, state: () => ({}) as ViewState });
    const got: unknown[] = [];
    const off = bus.on('state', (s) => got.push(s));
    off();
    bus.push();
    await Promise.resolve();
    expect(got).toEqual([]);
    bus.on('state', (s) => got.push(s));
    bus.push();
    bus.close();
    await Promise.resolve();
    expect(got).toEqual([]);
  });
});
