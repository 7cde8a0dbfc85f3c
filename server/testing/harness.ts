/**
 * Test harness: a real server on a random loopback port over a real database (a SQLite file in
 * a temp dir, or with RR_TEST_DATABASE=postgres a fresh schema in a real PostgreSQL: see
 * test-database.ts), and real socket.io-client connections signed in through the real REST API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import type { Ack, ServerEventName } from '../../shared/protocol/signaling.ts';
import { createServer, type RunningServer, type ServerDeps } from '../app.ts';
import { createAuditTrail, type AuditTrail } from '../audit/audit-trail.ts';
import { loadTokenKeys } from '../auth/signing-key.ts';
import { hashPassword, type ScryptCost } from '../auth/passwords.ts';
import { parseServerConfig, type ServerConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { loadReceiptSigner } from '../recordings/receipt-key.ts';
import type { AccountStore } from '../storage/store.ts';
import { createTestDatabase, type SqlRow, type TestDatabase } from './test-database.ts';

export const PASSWORD = 'correct horse battery';

/**
 * The scrypt cost of the harness's users and server: far below production's (passwords.ts), so
 * tests that add and sign in many users stay fast. A test of the production cost passes
 * `{ passwordCost: PASSWORD_COST }` in `extraDeps`.
 */
export const TEST_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

export interface Harness {
  url: string;
  dataDir: string;
  store: AccountStore;
  server: RunningServer;
  /** The current token signing key and its id (`kid`), for tests that forge tokens. */
  signingKey: Uint8Array;
  signingKeyId: string;
  config: ServerConfig;
  /** The server's audit trail (in the same database). */
  audit: AuditTrail;
  /** The database itself: its kind, its `--data`/`--database` arguments, SQL by hand. */
  database: TestDatabase;
  /** One statement on the database by hand (`?` placeholders): looking, or tampering. */
  sql(statement: string, ...params: (string | number | null)[]): Promise<SqlRow[]>;
  /** Adds a user with PASSWORD, optionally into circles (made on first use). */
  addUser(username: string, circles?: string[]): Promise<string>;
  login(username: string, password?: string): Promise<TokenPair>;
  /** A connected, authenticated socket for this user. */
  connect(username: string): Promise<Client>;
  /** A connected socket with this handshake token (a guest's: see guests.ts), as `tokens.user`. */
  connectWith(token: string, tokens: TokenPair): Promise<Client>;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }>;
  get(path: string, token?: string): Promise<{ status: number; body: unknown }>;
  del(path: string, token?: string): Promise<{ status: number; body: unknown }>;
  /** Stops the server (sockets drop, the port closes); data stays. */
  stop(): Promise<void>;
  /** Starts a new server process-equivalent on the same port and data: a server restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface Client {
  socket: Socket;
  userId: string;
  tokens: TokenPair;
  /** Sends an event and resolves with the server's acknowledgement. */
  send(event: string, payload: unknown): Promise<Ack>;
  /** Resolves with the next payload of this event (events that came earlier are kept). */
  next<T = Record<string, unknown>>(event: ServerEventName, timeoutMs?: number): Promise<T>;
  /** Every payload of this event received so far. */
  received(event: ServerEventName): unknown[];
}

export function tempDir(prefix = 'rr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startHarness(
  overrides: Partial<ServerConfig> = {},
  extraDeps: Partial<ServerDeps> = {},
): Promise<Harness> {
  const dataDir = tempDir();
  const base = parseServerConfig(['--port', '0', '--data', dataDir], {});
  if (base === 'help') throw new Error('unreachable');
  const config: ServerConfig = {
    ...base,
    ringTimeoutMs: 2_000,
    disconnectGraceMs: 300,
    // Every test client comes from 127.0.0.1: one address for what would be a whole firm.
    // The per-address limits' own tests set them low again.
    maxSocketsPerAddress: 10_000,
    handshakesPerSecond: 10_000,
    ...overrides,
  };
  const database = await createTestDatabase(dataDir);
  const opened = await database.open();
  const store = opened.accounts;
  const keys = await loadTokenKeys({ store });
  const deps = {
    passwordCost: TEST_PASSWORD_COST,
    audit: createAuditTrail(opened.audit, silentLogger),
    receiptSigner: await loadReceiptSigner(store),
    ...extraDeps,
  };
  let server = createServer({ config, store, keys, log: silentLogger, ...deps });
  const url = await server.listen();
  let running = true;
  const port = Number(new URL(url).port);
  const clients: Socket[] = [];
  // Each circle made once, however many users are added to it at the same time.
  const circlesMade = new Map<string, Promise<unknown>>();

  const request = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // 204 and the like have no body.
    const json: unknown = text ? JSON.parse(text) : undefined;
    return { status: res.status, body: json };
  };

  const harness: Harness = {
    url,
    dataDir,
    store,
    get server() {
      return server;
    },
    signingKey: keys.current().secret,
    signingKeyId: keys.current().kid,
    config,
    audit: deps.audit,
    database,
    sql: (statement, ...params) => database.sql(statement, ...params),
    async addUser(username, circles = []) {
      const user = await store.createUser({
        username,
        displayName: `${username[0]?.toUpperCase() ?? ''}${username.slice(1)} Tester`,
        passwordHash: await hashPassword(PASSWORD, deps.passwordCost),
      });
      for (const circle of circles) {
        let made = circlesMade.get(circle);
        if (!made) {
          made = store.createCircle(circle);
          circlesMade.set(circle, made);
        }
        await made;
        await store.addMember(circle, username);
      }
      return user.id;
    },
    async login(username, password = PASSWORD) {
      const { status, body } = await request('POST', '/api/auth/login', { username, password });
      if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(body)}`);
      return body as TokenPair;
    },
    async connect(username) {
      const tokens = await harness.login(username);
      const client = await harness.connectWith(tokens.accessToken, tokens);
      // The server has done the arrival's work (counted the socket, told the mates' caches of a
      // newcomer) once it sends the snapshot: a database query or two away, not at 'connect'.
      // Waited for without taking it from the client's inbox: tests read it with next().
      if (client.received('presence-snapshot').length === 0) {
        await new Promise((resolve) => client.socket.once('presence-snapshot', resolve));
      }
      return client;
    },
    async connectWith(token, tokens) {
      const socket = io(url, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      clients.push(socket);
      const client = makeClient(socket, tokens);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return client;
    },
    post: (path, body, token) => request('POST', path, body, token),
    get: (path, token) => request('GET', path, undefined, token),
    del: (path, token) => request('DELETE', path, undefined, token),
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
      await new Promise<void>((resolve) => {
        server.http.close(() => {
          resolve();
        });
      });
    },
    async restart() {
      await harness.stop();
      server = createServer({
        config: { ...config, port },
        store,
        keys,
        log: silentLogger,
        ...deps,
      });
      await server.listen();
      running = true;
    },
    async close() {
      for (const socket of clients) socket.disconnect();
      if (running) await server.close();
      keys.stop();
      await opened.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export function makeClient(socket: Socket, tokens: TokenPair): Client {
  const inbox = new Map<string, unknown[]>();
  const waiting = new Map<string, ((payload: unknown) => void)[]>();
  const read = new Map<string, number>();
  socket.onAny((event: string, payload: unknown) => {
    const list = inbox.get(event) ?? [];
    list.push(payload);
    inbox.set(event, list);
    const waiter = waiting.get(event)?.shift();
    if (waiter) {
      read.set(event, (read.get(event) ?? 0) + 1);
      waiter(payload);
    }
  });
  return {
    socket,
    userId: tokens.user.id,
    tokens,
    send: (event, payload) => socket.timeout(5_000).emitWithAck(event, payload) as Promise<Ack>,
    next<T>(event: ServerEventName, timeoutMs = 5_000): Promise<T> {
      const seen = read.get(event) ?? 0;
      const list = inbox.get(event) ?? [];
      if (list.length > seen) {
        read.set(event, seen + 1);
        return Promise.resolve(list[seen] as T);
      }
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no "${event}" within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiters = waiting.get(event) ?? [];
        waiters.push((payload) => {
          clearTimeout(timer);
          resolve(payload as T);
        });
        waiting.set(event, waiters);
      });
    },
    received: (event) => inbox.get(event) ?? [],
  };
}

/** A syntactically valid offer/answer for tests that do not run WebRTC. */
export const fakeSdp = <T extends 'offer' | 'answer'>(type: T) => ({
  type,
  sdp: `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
