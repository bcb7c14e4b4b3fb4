import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestGuards, followAborts } from './request-guard';

describe('createRequestGuards', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  // The guards read real time; under fake timers Date.now() is the fake one.
  const guards = () => createRequestGuards(() => Date.now());

  it('times a request out at its own deadline, even one that began after a longer one', () => {
    const g = guards();
    const long = g.begin(undefined, 1000);
    const short = g.begin(undefined, 100);
    vi.advanceTimersByTime(100);
    expect(short.signal.aborted).toBe(true);
    expect(short.timedOut()).toBe(true);
    expect((short.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(long.signal.aborted).toBe(false);
    vi.advanceTimersByTime(899);
    expect(long.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(long.timedOut()).toBe(true);
    expect(g.inFlight).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never aborts a request that has ended; the timer armed for it waits for the next deadline', () => {
    const g = guards();
    const first = g.begin(undefined, 100);
    const second = g.begin(undefined, 1000);
    first.end();
    vi.advanceTimersByTime(100);
    expect(first.signal.aborted).toBe(false);
    expect(second.signal.aborted).toBe(false);
    vi.advanceTimersByTime(900);
    expect(second.timedOut()).toBe(true);
    expect(first.signal.aborted).toBe(false);
    // Nothing in flight: no timer is left behind.
    const third = g.begin(undefined, 100);
    third.end();
    vi.advanceTimersByTime(100);
    expect(third.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("adds one listener to a caller's signal however many requests follow it, and its abort reaches each one in flight", () => {
    const g = guards();
    const caller = new AbortController();
    const done = g.begin(caller.signal, 1000);
    done.end();
    const a = g.begin(caller.signal, 1000);
    const b = g.begin(caller.signal, 1000);
    for (let i = 0; i < 20; i++) g.begin(caller.signal, 1000).end();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('queue stopped');
    caller.abort(reason);
    expect(a.signal.reason).toBe(reason);
    expect(b.signal.reason).toBe(reason);
    expect(a.timedOut()).toBe(false);
    expect(done.signal.aborted).toBe(false);
  });

  it("shares the caller's one listener between clients: a rebuilt client adds none", () => {
    const caller = new AbortController();
    const a = guards().begin(caller.signal, 1000);
    const b = guards().begin(caller.signal, 1000);
    guards().begin(caller.signal, 1000).end();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort(new Error('queue stopped'));
    expect(a.signal.aborted && b.signal.aborted).toBe(true);
  });

  it('a signal followed ahead has its one listener before any request: its first request adds none', () => {
    const caller = new AbortController();
    followAborts(caller.signal);
    followAborts(caller.signal);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    const a = guards().begin(caller.signal, 1000);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort(new Error('queue stopped'));
    expect(a.signal.aborted).toBe(true);
    expect(a.timedOut()).toBe(false);
  });

  it("throws the caller's reason when its signal is already aborted, and starts nothing", () => {
    const g = guards();
    const caller = new AbortController();
    caller.abort(new Error('stopped'));
    expect(() => g.begin(caller.signal, 1000)).toThrow('stopped');
    expect(g.inFlight).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
