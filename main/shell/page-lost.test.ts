import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { whenPageIsLost } from './page-lost.ts';

function page() {
  const emitter = new EventEmitter();
  const onLost = vi.fn();
  whenPageIsLost(emitter, onLost);
  return { emitter, onLost };
}

describe('whenPageIsLost', () => {
  it('tells of a renderer that crashed or was killed, not of a window closing', () => {
    const { emitter, onLost } = page();
    emitter.emit('render-process-gone', {}, { reason: 'clean-exit' });
    expect(onLost).not.toHaveBeenCalled();
    emitter.emit('render-process-gone', {}, { reason: 'crashed' });
    emitter.emit('render-process-gone', {}, { reason: 'oom' });
    expect(onLost).toHaveBeenCalledTimes(2);
  });

  it('tells of the window document replaced (a reload), not of in-page or subframe moves', () => {
    const { emitter, onLost } = page();
    emitter.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    emitter.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(onLost).not.toHaveBeenCalled();
    emitter.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(onLost).toHaveBeenCalledTimes(1);
  });
});
