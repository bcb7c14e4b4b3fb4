/**
 * The core's event bus (moved out of app-core.ts): listeners per event of
 * the one event map (src/shared/ipc.ts EventMap), and the `state` push,
 * coalesced so that many changes in one tick are one push (a burst of 200
 * toggles is one render). The push is queued as a microtask: a request that
 * changes the view (a toggle) has its `state` pushed before its reply,
 * which awaits a disk write or the portal's answer. While a request of the
 * queue is leaving (a lone toggle, the next batch of a Mark all read), the
 * push follows on the next turn instead: the popup has flipped the switch
 * itself, and the request reaches its socket first.
 */
import type { EventMap, EventName } from '../../../shared/ipc';
import type { ViewState } from '../../../shared/types';
import type { Logger } from '../ports';

export interface EventBus {
  /** Delivers `payload` to every listener of `event` now; a throwing listener is logged, the rest still run. */
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  /** Schedules one `state` push for this tick (coalesced). */
  push(): void;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** No more pushes; every listener dropped. */
  close(): void;
}

export function createEventBus(deps: {
  logger: Logger;
  state: () => ViewState;
  /**
   * A request of the queue leaves in this task's microtasks (its batch window closes, or it was
   * just started): the push waits for the next turn, so building and sending the state does not
   * hold up the request, and the one push shows the request under way.
   */
  requestLeaving?: () => boolean;
}): EventBus {
  const { logger } = deps;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let pushQueued = false;
  let closed = false;

  function emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of listeners.get(event) ?? []) {
      try {
        (l as (p: EventMap[E]) => void)(payload);
      } catch (err) {
        logger.error('Event listener failed', { event, error: String(err) });
      }
    }
  }

  /** Coalesces many changes in one tick into one `state` push (a burst of 200 toggles is one render). */
  function push(): void {
    if (pushQueued || closed) return;
    pushQueued = true;
    const pushNow = (): void => {
      pushQueued = false;
      if (!closed) emit('state', deps.state());
    };
    queueMicrotask(() => (deps.requestLeaving?.() ? setImmediate(pushNow) : pushNow()));
  }

  return {
    emit,
    push,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: never) => void);
      return () => void set.delete(listener as (p: never) => void);
    },
    close() {
      closed = true;
      listeners.clear();
    },
  };
}
