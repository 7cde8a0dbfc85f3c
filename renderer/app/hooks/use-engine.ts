/**
 * The call engine's current snapshot; re-renders once per burst of changes the engine publishes.
 *
 * React hears of a change in the task after it, not inside it: WebRTC fires a connection's
 * track events in the same task that settles its setRemoteDescription, and a render there (a
 * new tile: 90 ms on a busy 4-person machine) held the answer that setLocalDescription was
 * about to make. Deferred, the answer is on WebRTC's thread while React renders, and a burst
 * (tracks, states, the participant list) renders once.
 */
import { useSyncExternalStore } from 'react';
import type { CallEngine, CallSnapshot } from '../../call/types.ts';

type Subscribe = CallEngine['subscribe'];

/** `subscribe`, with each listener called once in the next task after any number of changes. */
export function inNextTask(subscribe: Subscribe): Subscribe {
  return (listener) => {
    const channel = new MessageChannel();
    let pending = false;
    let subscribed = true;
    channel.port1.onmessage = () => {
      pending = false;
      if (subscribed) listener();
    };
    const unsubscribe = subscribe(() => {
      if (pending) return;
      pending = true;
      channel.port2.postMessage(null);
    });
    return () => {
      subscribed = false;
      unsubscribe();
      channel.port1.close();
    };
  };
}

const deferred = new WeakMap<CallEngine, Subscribe>();

function deferredSubscribe(engine: CallEngine): Subscribe {
  let subscribe = deferred.get(engine);
  if (!subscribe) {
    subscribe = inNextTask(engine.subscribe);
    deferred.set(engine, subscribe);
  }
  return subscribe;
}

export function useEngine(engine: CallEngine): CallSnapshot {
  return useSyncExternalStore(deferredSubscribe(engine), engine.snapshot);
}
