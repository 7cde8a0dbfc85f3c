import { describe, expect, it } from 'vitest';
import { inNextTask } from './use-engine.ts';

/** A store like the engine's: listeners called synchronously on every change. */
function store() {
  const listeners = new Set<() => void>();
  return {
    change: () => {
      for (const listener of listeners) listener();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('inNextTask', () => {
  it('tells a listener of a burst of changes once, after the task that made them', async () => {
    const s = store();
    let heard = 0;
    inNextTask(s.subscribe)(() => heard++);
    s.change();
    s.change();
    s.change();
    await Promise.resolve(); // not in a microtask of the same task either
    expect(heard).toBe(0);
    await nextTask();
    expect(heard).toBe(1);
  });

  it('tells it again of a later change', async () => {
    const s = store();
    let heard = 0;
    inNextTask(s.subscribe)(() => heard++);
    s.change();
    await nextTask();
    s.change();
    await nextTask();
    expect(heard).toBe(2);
  });

  it('says nothing once unsubscribed, not even of a change made just before', async () => {
    const s = store();
    let heard = 0;
    const unsubscribe = inNextTask(s.subscribe)(() => heard++);
    s.change();
    unsubscribe();
    s.change();
    await nextTask();
    await nextTask();
    expect(heard).toBe(0);
  });

  it('keeps each listener apart', async () => {
    const s = store();
    const subscribe = inNextTask(s.subscribe);
    const heard = { a: 0, b: 0 };
    subscribe(() => heard.a++);
    const unsubscribeB = subscribe(() => heard.b++);
    s.change();
    await nextTask();
    unsubscribeB();
    s.change();
    await nextTask();
    expect(heard).toEqual({ a: 2, b: 1 });
  });
});
