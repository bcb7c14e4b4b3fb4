/**
 * Where a toggle's time goes, side by side (issue 14, fourteenth round): from the action to its
 * request's headers handed to the socket, from there to the answer's last byte, and from there to the
 * confirmation. Read from undici's diagnostics channels, which Node's `fetch` publishes for every
 * request: ours and the naive peer both send with it here (the SDK sends with node:http, which
 * publishes none of these), so the same two instants are taken the same way on both sides.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

/**
 * The request's headers handed to the socket. Ours sends its body as bytes, which undici writes with
 * the headers to a corked socket and uncorks in the same call (Node 20's undici, `writeBuffer`); the
 * naive peer's string body follows from an async iterator (`writeIterable`), a little later.
 */
const SENT = 'undici:client:sendHeaders';
/** The answer's body read to its end. */
const ANSWERED = 'undici:request:trailers';

/** One toggle's span cut at its request's two instants, in ms. */
export interface TogglePhases {
  /** From the action to the request's headers handed to the socket. */
  leaveMs: number;
  /** From there to the answer's last byte. */
  roundTripMs: number;
  /** From there to the confirmation (for ours: the reply and the state showing it delivered). */
  afterMs: number;
}

/** An HTTP instant, `performance.now()` time. */
export interface HttpEvent {
  kind: 'sent' | 'answered';
  at: number;
}

/**
 * The phases of the span `[t0, t1]` from the instants recorded around it: its first request sent
 * at or after `t0` and the first answer after that. Null when the span holds no whole request
 * (a set-up request before `t0` does not count).
 */
export function phasesOf(events: readonly HttpEvent[], t0: number, t1: number): TogglePhases | null {
  const sent = events.find((e) => e.kind === 'sent' && e.at >= t0);
  const answered = sent && events.find((e) => e.kind === 'answered' && e.at >= sent.at);
  if (!sent || !answered || answered.at > t1) return null;
  return { leaveMs: sent.at - t0, roundTripMs: answered.at - sent.at, afterMs: t1 - answered.at };
}

/** Records the instants of every request sent with Node's `fetch` until `stop()`. */
export function recordHttp(): { events: HttpEvent[]; stop(): void } {
  const events: HttpEvent[] = [];
  const sent = (): void => void events.push({ kind: 'sent', at: performance.now() });
  const answered = (): void => void events.push({ kind: 'answered', at: performance.now() });
  subscribe(SENT, sent);
  subscribe(ANSWERED, answered);
  return {
    events,
    stop() {
      unsubscribe(SENT, sent);
      unsubscribe(ANSWERED, answered);
    },
  };
}
