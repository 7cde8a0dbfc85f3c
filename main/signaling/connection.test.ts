/**
 * The signaling connection's route (main/net/proxy-agent.ts) is resolved before the socket opens:
 * what it gives reaches socket.io-client, and a route that arrives for a connection already
 * replaced or closed opens nothing. (The connection itself, against the real server, is in
 * main/session/session.test.ts and, through a real proxy, main/net/firm-network.test.ts.)
 */
import { Agent } from 'node:http';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketTransport } from '../net/proxy-agent.ts';
import type { Session } from '../session/session.ts';
import { createSignaling, type Signaling } from './connection.ts';

const session = {
  onToken: () => () => undefined,
  accessToken: () => Promise.resolve('token'),
  refresh: () => Promise.reject(new Error('no')),
} as unknown as Session;

let signaling: Signaling | null = null;
afterEach(() => {
  signaling?.disconnect();
});

function withRoutes() {
  const opened: Partial<ManagerOptions & SocketOptions>[] = [];
  const pending: ((transport: SocketTransport) => void)[] = [];
  signaling = createSignaling({
    session,
    io: ((url: string, options: Partial<ManagerOptions & SocketOptions>) => {
      opened.push(options);
      return io(url, { ...options, autoConnect: false });
    }) as typeof io,
    transport: () =>
      new Promise<SocketTransport>((resolve) => {
        pending.push(resolve);
      }),
    onState: () => undefined,
    onEvent: () => undefined,
  });
  return { signaling, opened, pending };
}

describe('the signaling route', () => {
  it("hands the route's agent and CAs to socket.io-client", async () => {
    const { signaling, opened, pending } = withRoutes();
    signaling.connect('https://advisor.firm.example');
    expect(signaling.state().status).toBe('connecting');
    expect(opened).toEqual([]);
    const agent = new Agent();
    pending[0]?.({ agent, ca: ['firm-ca'] });
    await Promise.resolve();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ agent, ca: ['firm-ca'], transports: ['websocket'] });
  });

  it('a route that arrives after a disconnect or a newer connect opens nothing', async () => {
    const { signaling, opened, pending } = withRoutes();
    signaling.connect('https://advisor.firm.example');
    signaling.disconnect();
    signaling.connect('https://other.firm.example');
    pending[0]?.({ ca: ['stale'] });
    await Promise.resolve();
    expect(opened).toEqual([]);
    pending[1]?.({ ca: ['current'] });
    await Promise.resolve();
    expect(opened.map((options) => options.ca)).toEqual([['current']]);
  });
});
