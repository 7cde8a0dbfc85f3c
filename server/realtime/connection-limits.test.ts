/**
 * Limits on connections: sockets per account, sockets and handshakes per client address, and how
 * long a connection may stay unauthenticated. Real server, real socket.io-client, a raw WebSocket
 * and a raw TCP connection for the clients that never finish their handshake.
 */
import { connect } from 'node:net';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerConfig, type ServerConfig } from '../config.ts';
import { REFUSAL_SLOTS } from './connection-limits.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function serve(overrides: Partial<ServerConfig>): Promise<Harness> {
  h = await startHarness(overrides);
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
  return h;
}

interface Outcome {
  result: string;
  /** The sentence the server gave with a refusal. */
  sentence?: string;
  close(): void;
}

/** Opens a socket with this token; resolves 'connected' (left open) or the refusal. */
function attempt(server: Harness, token: string): Promise<Outcome> {
  const socket = io(server.url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const close = () => {
    socket.disconnect();
  };
  return new Promise((resolve) => {
    socket.once('connect', () => {
      resolve({ result: 'connected', close });
    });
    socket.once('connect_error', (error: Error & { data?: { message?: string } }) => {
      close();
      resolve({
        result: error.message,
        ...(error.data?.message ? { sentence: error.data.message } : {}),
        close,
      });
    });
  });
}

/** Resolves when `closed` fires, or rejects after `ms`. */
const within = (ms: number, closed: Promise<void>, what: string) =>
  Promise.race([
    closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`${what} was still open after ${ms} ms`));
      }, ms),
    ),
  ]);

describe('sockets per account', () => {
  it('refuses the socket past the cap with a sentence the app can show, and lets one in again once one closes', async () => {
    const server = await serve({ maxSocketsPerUser: 3 });
    const { accessToken } = await server.login('alice');
    const open: Outcome[] = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await attempt(server, accessToken);
      expect(outcome.result).toBe('connected');
      open.push(outcome);
    }
    const fourth = await attempt(server, accessToken);
    expect(fourth.result).toBe('too-many-connections');
    expect(fourth.sentence).toMatch(/3 connections/);
    // Another account is not affected.
    const bob = await attempt(server, (await server.login('bob')).accessToken);
    expect(bob.result).toBe('connected');
    bob.close();
    open.pop()?.close();
    // The count drops once the server has seen the disconnect.
    let again: Outcome | undefined;
    for (let i = 0; i < 50 && again?.result !== 'connected'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await attempt(server, accessToken);
    }
    expect(again?.result).toBe('connected');
    again?.close();
    for (const outcome of open) outcome.close();
  });
});

describe('connections per address', () => {
  it('refuses the connection past the cap for one address, whoever signs in', async () => {
    const server = await serve({ maxSocketsPerAddress: 2 });
    const alice = await attempt(server, (await server.login('alice')).accessToken);
    const bob = await attempt(server, (await server.login('bob')).accessToken);
    expect([alice.result, bob.result]).toEqual(['connected', 'connected']);
    const third = await attempt(server, (await server.login('alice')).accessToken);
    expect(third.result).toBe('too-many-connections');
    expect(third.sentence).toMatch(/network address/);
    alice.close();
    bob.close();
  });

  it('refuses a burst of handshakes from one address beyond its rate', async () => {
    const server = await serve({ handshakesPerSecond: 1 });
    const { accessToken } = await server.login('alice');
    // A bucket of 4 (bursts of four times the rate), refilling one a second: of 12 at once,
    // at most 5 can pass however slow this machine is.
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => attempt(server, accessToken)),
    );
    for (const outcome of outcomes) outcome.close();
    const refused = outcomes.filter((o) => o.result === 'too-many-handshakes');
    expect(outcomes.filter((o) => o.result === 'connected').length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThanOrEqual(7);
    expect(refused[0]?.sentence).toMatch(/Too many connection attempts/);
  });
});

/** A raw engine.io WebSocket (no Socket.io connect): resolves 'open' or 'refused'. */
function rawSocket(server: Harness): Promise<{ result: 'open' | 'refused'; ws: WebSocket }> {
  const ws = new WebSocket(
    `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
  );
  return new Promise((resolve) => {
    ws.addEventListener('open', () => {
      resolve({ result: 'open', ws });
    });
    ws.addEventListener('close', () => {
      resolve({ result: 'refused', ws });
    });
  });
}

describe('raw connections from one address', () => {
  it('are let in only a few past the cap (to be told why), then refused before the upgrade', async () => {
    const server = await serve({ maxSocketsPerAddress: 2, handshakeTimeoutMs: 60_000 });
    const held: WebSocket[] = [];
    try {
      for (let i = 0; i < 2 + REFUSAL_SLOTS; i++) {
        const { result, ws } = await rawSocket(server);
        held.push(ws);
        expect(result, `connection ${i + 1}`).toBe('open');
      }
      const { result, ws } = await rawSocket(server);
      held.push(ws);
      expect(result).toBe('refused');
      // A client past the cap but within the slots is told why at connect.
      held.pop()?.close();
      held.shift()?.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const told = await attempt(server, (await server.login('alice')).accessToken);
      expect(told.result).toBe('too-many-connections');
    } finally {
      for (const ws of held) ws.close();
    }
  });
});

describe('connections that never finish their handshake', () => {
  it('closes a raw WebSocket that never sends the Socket.io connect', async () => {
    const server = await serve({ handshakeTimeoutMs: 300 });
    const url = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url);
    const opened = new Promise<void>((resolve) => {
      ws.addEventListener('open', () => {
        resolve();
      });
    });
    const closed = new Promise<void>((resolve) => {
      ws.addEventListener('close', () => {
        resolve();
      });
    });
    // Answers the engine's pings, so only the missing Socket.io connect can end it.
    ws.addEventListener('message', (event) => {
      if (event.data === '2') ws.send('3');
    });
    await opened;
    try {
      await within(5_000, closed, 'the raw WebSocket');
    } finally {
      ws.close();
    }
  });

  it('closes a TCP connection that never sends an HTTP request', async () => {
    const server = await serve({ handshakeTimeoutMs: 300 });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    try {
      await within(5_000, closed, 'the silent TCP connection');
    } finally {
      socket.destroy();
    }
  });
});

describe('configuration', () => {
  it('reads the limits from flags, with safe defaults', () => {
    const defaults = parseServerConfig([], {}) as ServerConfig;
    expect(defaults).toMatchObject({
      maxSocketsPerUser: 10,
      maxSocketsPerAddress: 50,
      handshakesPerSecond: 10,
      handshakeTimeoutMs: 10_000,
    });
    const set = parseServerConfig(
      [
        '--max-sockets-per-user',
        '4',
        '--max-sockets-per-address',
        '200',
        '--handshake-rate',
        '30',
        '--handshake-timeout',
        '5',
      ],
      {},
    ) as ServerConfig;
    expect(set).toMatchObject({
      maxSocketsPerUser: 4,
      maxSocketsPerAddress: 200,
      handshakesPerSecond: 30,
      handshakeTimeoutMs: 5_000,
    });
    expect(() => parseServerConfig(['--max-sockets-per-user', '0'], {})).toThrow(
      /--max-sockets-per-user must be a whole number/,
    );
  });
});
