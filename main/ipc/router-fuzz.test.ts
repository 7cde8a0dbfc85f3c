/**
 * Fuzzes main's one router with every feature registered as the Electron shell registers them
 * (createServices + app channels + screen channels), on temp folders, the real keychain and a
 * real server. Over a thousand malformed calls, generated from a seeded PRNG, must each be
 * refused as invalid-arguments with a clean message and no side effect; foreign senders are
 * refused on every channel; valid calls still work afterwards.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Conf from 'conf';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type BridgeEvent, type Channel } from '../../shared/bridge/channels.ts';
import { MAX_CLIPBOARD_CHARS, MAX_RECORDING_CHUNK } from '../../shared/bridge/contract.ts';
import type { Result } from '../../shared/bridge/results.ts';
import { LIMITS } from '../../shared/protocol/limits.ts';
import { fakeSdp, PASSWORD, startHarness, type Harness } from '../../server/testing/harness.ts';
import type { Keychain } from '../auth/keychain.ts';
import { serviceFor } from '../auth/vault.ts';
import { registerScreen } from '../media/register-screen.ts';
import { createScreenSources } from '../media/screen-sources.ts';
import { createServices, type Services } from '../services.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { registerAppChannels } from '../shell/app-channels.ts';
import { APP_ORIGIN } from '../shell/protocol.ts';
import { createEventSink } from './event-sink.ts';
import type { Sender } from './router.ts';

const SEED = 0x5eed_f00d;
const CASES_PER_CHANNEL = 60;
const TRUSTED: Sender = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };

// ---- a seeded PRNG (mulberry32): the same calls on every run ---------------------------------
interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}
function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

// ---- what each argument should look like (mirrors the contract; used to break it) -----------
type Spec =
  | { t: 'bool'; optional?: true }
  | {
      t: 'str';
      max: number;
      min?: number;
      nullable?: true;
      optional?: true;
      trim?: true;
      form?: 'id' | 'rec-id' | 'url';
    }
  | { t: 'enum'; values: readonly string[]; bad?: readonly string[] }
  | { t: 'int'; min: number; max: number; nullable?: true; optional?: true }
  | { t: 'bytes' }
  | { t: 'obj'; fields: Record<string, Spec>; strict?: true; optional?: true }
  | { t: 'arr'; item: Spec; min: number; max: number };

const userId: Spec = { t: 'str', min: 1, max: LIMITS.idChars, form: 'id' };
const callId: Spec = { t: 'str', min: 8, max: LIMITS.idChars, form: 'id' };
const optCallId: Spec = { ...callId, optional: true };
const recId: Spec = { t: 'str', min: 12, max: 68, form: 'rec-id' };
const sdp = (type: string): Spec => ({
  t: 'obj',
  fields: { type: { t: 'enum', values: [type] }, sdp: { t: 'str', min: 1, max: LIMITS.sdpChars } },
});
const obj = (fields: Record<string, Spec>, strict?: true): Spec =>
  strict ? { t: 'obj', fields, strict } : { t: 'obj', fields };

const SCREEN_KIND: Spec = { t: 'enum', values: ['screen', 'window'] };
const OVERSIZED = new Uint8Array(MAX_RECORDING_CHUNK + 1);

const CALL_ID = 'call_fuzz_0001';
const PEER = 'user_fuzz_peer';
const GUEST = 'guest-fuzzfuzzfuzzfuzzfuzz';
/** Call events the renderer may send, each with a valid payload and its spec. */
const SIGNALS: Record<string, { payload: Record<string, unknown>; spec: Record<string, Spec> }> = {
  'call-offer': {
    payload: { to: PEER, callId: CALL_ID, offer: fakeSdp('offer') },
    spec: { to: userId, callId: optCallId, offer: sdp('offer') },
  },
  'call-answer': {
    payload: { to: PEER, answer: fakeSdp('answer') },
    spec: { to: userId, callId: optCallId, answer: sdp('answer') },
  },
  'ice-candidate': {
    payload: {
      to: PEER,
      callId: CALL_ID,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' },
    },
    spec: {
      to: userId,
      callId: optCallId,
      candidate: obj({
        candidate: { t: 'str', max: LIMITS.candidateChars },
        sdpMid: { t: 'str', max: LIMITS.idChars, nullable: true, optional: true },
        sdpMLineIndex: { t: 'int', min: 0, max: 64, nullable: true, optional: true },
        usernameFragment: { t: 'str', max: LIMITS.idChars, nullable: true, optional: true },
      }),
    },
  },
  'call-decline': { payload: { to: PEER }, spec: { to: userId, callId: optCallId } },
  'end-call': { payload: { to: PEER, callId: CALL_ID }, spec: { to: userId, callId: optCallId } },
  'call-cancel': { payload: { to: PEER, callId: CALL_ID }, spec: { to: userId, callId } },
  'call-renegotiate': {
    payload: { to: PEER, callId: CALL_ID, description: { type: 'rollback' } },
    spec: {
      to: userId,
      callId,
      description: obj({
        type: { t: 'enum', values: ['offer', 'answer', 'pranswer', 'rollback'] },
        sdp: { t: 'str', max: LIMITS.sdpChars, optional: true },
      }),
    },
  },
  'media-state': {
    payload: { to: PEER, callId: CALL_ID, state: { audio: true, video: false, screen: false } },
    spec: {
      to: userId,
      callId,
      state: obj({ audio: { t: 'bool' }, video: { t: 'bool' }, screen: { t: 'bool' } }),
    },
  },
  'recording-state': {
    payload: { to: PEER, callId: CALL_ID, state: 'started' },
    spec: {
      to: userId,
      callId,
      state: {
        t: 'enum',
        values: ['started', 'stopped', 'consent-requested', 'consent-granted', 'consent-denied'],
      },
    },
  },
  'call-resume': { payload: { to: PEER, callId: CALL_ID }, spec: { to: userId, callId } },
  'guest-admit': { payload: { guestId: GUEST }, spec: { guestId: userId } },
  'guest-deny': { payload: { guestId: GUEST }, spec: { guestId: userId } },
};
const SIGNAL_EVENTS = Object.keys(SIGNALS);

interface Variant {
  specs: Spec[];
  valid: () => unknown[];
}
const none: Variant[] = [{ specs: [], valid: () => [] }];

function fuzzPlan(serverUrl: string): Record<Channel, Variant[]> {
  return {
    'app:info': none,
    'app:set-call-state': [
      {
        specs: [
          obj({
            inCall: { t: 'bool' },
            peerName: { t: 'str', max: LIMITS.displayNameChars, nullable: true },
          }),
        ],
        valid: () => [{ inCall: true, peerName: 'Bob Tester' }],
      },
    ],
    'app:notify-incoming-call': [
      {
        specs: [obj({ callId, callerName: { t: 'str', max: LIMITS.displayNameChars } })],
        valid: () => [{ callId: CALL_ID, callerName: 'Bob Tester' }],
      },
    ],
    'app:notify-guest-waiting': [
      {
        specs: [obj({ guestId: userId, name: { t: 'str', max: LIMITS.displayNameChars } })],
        valid: () => [{ guestId: GUEST, name: 'Casey Client' }],
      },
    ],
    'app:copy-diagnostics': none,
    'session:get': none,
    'session:sign-in': [
      {
        specs: [
          obj({
            serverUrl: { t: 'str', max: 2_048, trim: true, form: 'url' },
            username: { t: 'str', min: 1, max: LIMITS.usernameChars, trim: true },
            password: { t: 'str', min: 1, max: LIMITS.passwordChars },
          }),
        ],
        valid: () => [{ serverUrl, username: 'alice', password: PASSWORD }],
      },
    ],
    'session:sign-out': none,
    'directory:circles': none,
    'directory:ice-servers': none,
    'signal:status': none,
    'signal:send': SIGNAL_EVENTS.map((event) => ({
      specs: [
        obj({
          event: { t: 'enum', values: SIGNAL_EVENTS, bad: ['auth-renew', 'presence', 'call-busy'] },
          payload: obj(SIGNALS[event]!.spec),
        }),
      ],
      valid: () => [{ event, payload: structuredClone(SIGNALS[event]!.payload) }],
    })),
    'settings:get': none,
    'settings:set': [
      {
        specs: [
          obj(
            {
              serverUrl: { t: 'str', max: 2_048, optional: true },
              cameraId: { t: 'str', max: 512, nullable: true, optional: true },
              microphoneId: { t: 'str', max: 512, nullable: true, optional: true },
              speakerId: { t: 'str', max: 512, nullable: true, optional: true },
              notifyIncomingCalls: { t: 'bool', optional: true },
              startWithCameraOff: { t: 'bool', optional: true },
              startMuted: { t: 'bool', optional: true },
            },
            true,
          ),
        ],
        valid: () => [
          { startMuted: true, cameraId: null, serverUrl: 'https://advisor.example.com' },
        ],
      },
    ],
    'settings:choose-recordings-folder': none,
    'screen:permission': none,
    'screen:open-permission-settings': none,
    'screen:list-sources': [
      {
        specs: [obj({ kinds: { t: 'arr', item: SCREEN_KIND, min: 1, max: 2 } })],
        valid: () => [{ kinds: ['screen', 'window'] }],
      },
    ],
    'screen:choose': [
      {
        specs: [obj({ sourceId: { t: 'str', max: 256 }, audio: { t: 'bool' } })],
        valid: () => [{ sourceId: 'screen:0:0', audio: false }],
      },
    ],
    'recording:start': [
      {
        specs: [
          obj({
            callId,
            participants: {
              t: 'arr',
              item: obj({ id: userId, displayName: { t: 'str', max: LIMITS.displayNameChars } }),
              min: 1,
              max: 16,
            },
            mimeType: { t: 'str', max: 100 },
          }),
        ],
        valid: () => [
          {
            callId: CALL_ID,
            participants: [{ id: PEER, displayName: 'Bob Tester' }],
            mimeType: 'video/webm;codecs=vp8,opus',
          },
        ],
      },
    ],
    'recording:append': [
      {
        specs: [recId, { t: 'bytes' }],
        valid: () => ['rec_fuzz000000', new Uint8Array([1, 2, 3])],
      },
    ],
    'recording:stop': [{ specs: [recId], valid: () => ['rec_fuzz000000'] }],
    'recording:reveal': [{ specs: [recId], valid: () => ['rec_fuzz000000'] }],
    'recordings:verify': [{ specs: [recId], valid: () => ['rec_fuzz000000'] }],
    'recordings:export': [{ specs: [recId], valid: () => ['rec_fuzz000000'] }],
    'recordings:folder-status': none,
    'guests:create-link': none,
    'guests:list-links': none,
    'guests:revoke-link': [
      { specs: [{ t: 'str', min: 1, max: LIMITS.idChars, form: 'id' }], valid: () => ['link_1'] },
    ],
    'clipboard:write-text': [
      {
        specs: [{ t: 'str', min: 1, max: MAX_CLIPBOARD_CHARS }],
        valid: () => [`${serverUrl}/join/${'a'.repeat(43)}`],
      },
    ],
  };
}

// ---- junk: values of every shape structured clone (Electron's IPC) can carry -----------------
type Category =
  | 'undefined'
  | 'null'
  | 'boolean'
  | 'number'
  | 'bigint'
  | 'string'
  | 'array'
  | 'object'
  | 'typed'
  | 'binary'
  | 'builtin';
const CATEGORIES: readonly Category[] = [
  'undefined',
  'null',
  'boolean',
  'number',
  'bigint',
  'string',
  'array',
  'object',
  'typed',
  'binary',
  'builtin',
];

const NASTY = [
  'a',
  'Z',
  '/',
  '\\',
  '..',
  ' ',
  '\n',
  '\u0000',
  '\u202e',
  '\ufeff',
  '\ud800',
  '😀',
  'é',
  '%00',
  '<script>',
  '"',
  "'",
  '${x}',
  '__proto__',
  'constructor',
];
const BAD_ID_CHARS = [
  '/',
  '\\',
  '..',
  ' ',
  '\n',
  '\u0000',
  '\u202e',
  '\ud800',
  '😀',
  'é',
  '%',
  '<',
  '"',
  '$',
  '.',
  ':',
  '@',
  '+',
  '=',
];
const NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1,
  1.5,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  1e-300,
];
const HUGE = [1 << 16, 1 << 20];

function nastyString(rng: Rng, parts = 1 + rng.int(6)): string {
  let text = '';
  for (let i = 0; i < parts; i++) text += rng.pick(NASTY);
  return text;
}

/** An own `__proto__` key, as JSON.parse (and structured clone) makes one; `=` would set the prototype. */
function withOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return target;
}

function pollutionShaped(rng: Rng): Record<string, unknown> {
  const payload = { polluted: true, isAdmin: true, toString: 'x' };
  return rng.pick([
    () =>
      JSON.parse('{"__proto__": {"polluted": true, "isAdmin": true}}') as Record<string, unknown>,
    () => withOwn({}, '__proto__', payload),
    () => ({ constructor: { prototype: payload } }),
    () => ({ prototype: payload, __defineGetter__: 'x' }),
    () => ({ toString: 'x', valueOf: 1, hasOwnProperty: 'y', then: 'z' }),
    () => withOwn({ a: { b: { c: 1 } } }, '__proto__', { constructor: { prototype: payload } }),
  ])();
}

function nested(rng: Rng, depth: number): unknown {
  let value: unknown = nastyString(rng);
  for (let i = 0; i < depth; i++)
    value = rng.chance(0.5) ? [value] : { [nastyString(rng, 1)]: value };
  return value;
}

function junkOf(rng: Rng, category: Category): unknown {
  switch (category) {
    case 'undefined':
      return undefined;
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'number':
      return rng.pick(NUMBERS);
    case 'bigint':
      return rng.pick([0n, -1n, 2n ** 64n]);
    case 'string':
      return rng.chance(0.1) ? `${rng.pick(NASTY)}${'A'.repeat(rng.pick(HUGE))}` : nastyString(rng);
    case 'array':
      return rng.pick([
        () => [],
        () => [junk(rng)],
        () => new Array<unknown>(5),
        () => Array.from({ length: 10_000 }, (_, i) => i),
        () => nested(rng, 200 + rng.int(300)),
      ])();
    case 'object':
      return rng.pick([
        () => pollutionShaped(rng),
        () => ({ [nastyString(rng)]: junk(rng), [nastyString(rng)]: junk(rng) }),
        () => ({ z: nested(rng, 50 + rng.int(200)) }),
        () => Object.assign(Object.create(null) as Record<string, unknown>, { k: 1 }),
      ])();
    case 'typed':
      return rng.pick([
        () => new Uint8Array([1, 2, 3]),
        () => new Uint16Array([1, 2]),
        () => new Int8Array([-1]),
        () => new Uint8ClampedArray([255]),
        () => new Float64Array([NaN, Infinity]),
        () => new BigInt64Array([1n]),
        () => Buffer.from('buffer'),
      ])();
    case 'binary':
      return rng.pick([() => new ArrayBuffer(8), () => new DataView(new ArrayBuffer(4))])();
    case 'builtin':
      return rng.pick([
        () => new Date(NaN),
        () => new Date(0),
        () => new Map([['__proto__', 1]]),
        () => new Set([1, 'a']),
        () => /.*/gi,
        () => new Error('junk'),
      ])();
  }
}

function junk(rng: Rng, exclude: readonly Category[] = []): unknown {
  return junkOf(rng, rng.pick(CATEGORIES.filter((c) => !exclude.includes(c))));
}

// ---- breaking a valid value at one place (every result is invalid by construction) ----------
function invalidString(spec: Extract<Spec, { t: 'str' }>, rng: Rng): unknown {
  const exclude: Category[] = ['string'];
  if (spec.nullable) exclude.push('null');
  if (spec.optional) exclude.push('undefined');
  const options: (() => unknown)[] = [
    () => junk(rng, exclude),
    () => `${rng.pick(NASTY)}${'A'.repeat(spec.max + 1 + rng.int(64))}`,
    () => 'A'.repeat(rng.pick([spec.max + 1, ...HUGE])),
  ];
  if (spec.min !== undefined && spec.min > 0) {
    options.push(() =>
      spec.trim ? ' \t\n'.slice(0, rng.int(4)) : 'abcdefgh'.slice(0, spec.min! - 1),
    );
  }
  if (spec.form === 'id') options.push(() => `abcd${rng.pick(BAD_ID_CHARS)}efgh`);
  if (spec.form === 'rec-id') {
    options.push(() =>
      rng.pick([
        `rec_abcd${rng.pick(BAD_ID_CHARS)}efgh`,
        'REC_abcdefgh',
        'rec-abcdefgh',
        '../rec_abcdefgh',
        'rec_abcdefgh/../../etc',
        `rec_${'a'.repeat(7)}`,
        `rec_${'a'.repeat(65)}`,
        'rec_abcdefgh\n',
      ]),
    );
  }
  if (spec.form === 'url') {
    options.push(() =>
      rng.pick([
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/html,<script>1</script>',
        'ftp://advisor.example.com',
        'ws://advisor.example.com',
        'app://advisor',
        'http://user:secret@advisor.example.com',
        'https://:secret@advisor.example.com',
        'advisor.example.com',
        '//advisor.example.com',
        'http://',
        'http://[::1',
        `https://advisor.example.com/${'a'.repeat(2_048)}`,
      ]),
    );
  }
  return rng.pick(options)();
}

function invalidFor(spec: Spec, current: unknown, rng: Rng): unknown {
  switch (spec.t) {
    case 'bool':
      return junk(rng, spec.optional ? ['boolean', 'undefined'] : ['boolean']);
    case 'str':
      return invalidString(spec, rng);
    case 'enum': {
      const candidates = [
        ...(spec.bad ?? []),
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        '',
        ...spec.values.flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v}\u0000`]),
        nastyString(rng),
      ].filter((v) => !spec.values.includes(v));
      return rng.chance(0.7) ? rng.pick(candidates) : junk(rng, ['string', 'undefined']);
    }
    case 'int': {
      const candidates: unknown[] = [NaN, Infinity, -Infinity, 1.5, spec.min - 1, spec.max + 1];
      candidates.push(2 ** 53 + 2, '1', true, [], {}, 1n);
      if (!spec.nullable) candidates.push(null);
      return rng.pick(candidates);
    }
    case 'bytes':
      return rng.pick<() => unknown>([
        () => new Uint16Array([1, 2]),
        () => new Int8Array(4),
        () => new Uint8ClampedArray(4),
        () => new Float32Array([NaN]),
        () => new BigInt64Array(2),
        () => new ArrayBuffer(8),
        () => new DataView(new ArrayBuffer(4)),
        () => [1, 2, 3],
        () => 'AAECAw==',
        () => ({ 0: 1, length: 1 }),
        () => ({ __bytes: 'AAEC' }),
        () => null,
        () => undefined,
        () => 42,
        () => (rng.chance(0.3) ? OVERSIZED : new Uint16Array(4)),
      ])();
    case 'obj':
      return invalidObject(spec, current, rng);
    case 'arr':
      return invalidArray(spec, current, rng);
  }
}

function invalidObject(spec: Extract<Spec, { t: 'obj' }>, current: unknown, rng: Rng): unknown {
  const required = Object.entries(spec.fields).filter(([, s]) => !('optional' in s && s.optional));
  const value = { ...(current as Record<string, unknown>) };
  const roll = rng.next();
  if (roll < 0.2) {
    // Replaced whole. An object without keys is a valid patch where nothing is required.
    const exclude: Category[] = spec.optional ? ['undefined'] : [];
    if (required.length === 0) exclude.push('builtin', 'binary');
    return junk(rng, exclude);
  }
  if (roll < 0.35 && required.length > 0) {
    Reflect.deleteProperty(value, rng.pick(required)[0]);
    return value;
  }
  if (roll < 0.5 && spec.strict) {
    const key = rng.pick([
      '__proto__',
      'constructor',
      'prototype',
      'recordingsFolder',
      'token',
      'x',
    ]);
    return withOwn(value, key, junk(rng));
  }
  const [key, fieldSpec] = rng.pick(Object.entries(spec.fields));
  value[key] = invalidFor(fieldSpec, value[key], rng);
  if (!spec.strict && rng.chance(0.3)) {
    // Extra keys beside a real violation (alone they are stripped, not refused).
    const extra = pollutionShaped(rng);
    for (const extraKey of Object.keys(extra)) withOwn(value, extraKey, extra[extraKey]);
  }
  return value;
}

function invalidArray(spec: Extract<Spec, { t: 'arr' }>, current: unknown, rng: Rng): unknown {
  const items = [...(current as unknown[])];
  const roll = rng.next();
  if (roll < 0.25) return junk(rng, ['array']);
  if (roll < 0.4 && spec.min > 0) return [];
  if (roll < 0.55) {
    while (items.length <= spec.max) items.push(structuredClone(items[0]));
    return items;
  }
  const index = rng.int(items.length);
  items[index] = invalidFor(spec.item, items[index], rng);
  return items;
}

/** One malformed argument list for a channel. */
function malformed(variants: Variant[], rng: Rng): unknown {
  const variant = rng.pick(variants);
  const args = variant.valid();
  if (variant.specs.length === 0 || rng.chance(0.2)) {
    const roll = rng.next();
    if (roll < 0.5 || (variant.specs.length === 0 && roll < 0.8)) {
      for (let n = 1 + rng.int(3); n > 0; n--) args.push(junk(rng));
      return args;
    }
    if (roll < 0.75 && args.length > 0) return args.slice(0, rng.int(args.length));
    return junk(rng, ['array']);
  }
  const index = rng.int(variant.specs.length);
  args[index] = invalidFor(variant.specs[index]!, args[index], rng);
  return args;
}

// ---- the app under test, built as main/index.ts builds it ------------------------------------
let h: Harness;
let root: string;
let services: Services;
let plan: Record<Channel, Variant[]>;
const namespace = `router-fuzz-${process.pid}-${Date.now()}`;
const service = (name: string) => `${name} [${namespace}]`;
const noSideEffects = () => ({
  fetch: 0,
  keychain: 0,
  chooseFolder: 0,
  revealFile: 0,
  clipboard: 0,
  notify: 0,
  powerSave: 0,
  getSources: 0,
  openExternal: 0,
});
const sideEffects = noSideEffects();
const events: { event: BridgeEvent; payload: unknown }[] = [];
const dropped: string[] = [];
const logs: string[] = [];

/** Wraps a collaborator so every call is counted (it still runs). */
function counted<A extends unknown[], R>(key: keyof typeof sideEffects, fn: (...args: A) => R) {
  return (...args: A): R => {
    sideEffects[key]++;
    return fn(...args);
  };
}

/** The real keychain, in this test's own service names, counting every call. */
const keychain: Keychain = {
  getPassword: counted('keychain', (name: string, account: string) =>
    keytar.getPassword(service(name), account),
  ),
  setPassword: counted('keychain', (name: string, account: string, password: string) =>
    keytar.setPassword(service(name), account, password),
  ),
  deletePassword: counted('keychain', (name: string, account: string) =>
    keytar.deletePassword(service(name), account),
  ),
  findCredentials: counted('keychain', (name: string) => keytar.findCredentials(service(name))),
};

function fileTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) {
        out[full] = 'dir';
        walk(full);
      } else {
        out[full] = createHash('sha256').update(readFileSync(full)).digest('hex');
      }
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('alice', ['Team']);
  root = mkdtempSync(join(tmpdir(), 'rr-router-fuzz-'));
  const documentsDir = join(root, 'Documents');
  mkdirSync(documentsDir);
  // IT's 'allowed': the end-to-end check records without a call (consent-required needs one).
  const policyFile = join(root, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ recording: 'allowed' }));
  services = createServices({
    trustedOrigin: APP_ORIGIN,
    store: new Conf(settingsStoreOptions({ cwd: join(root, 'settings'), documentsDir })),
    keychain,
    policyFile,
    documentsDir,
    appVersion: '0.0.0-test',
    sink: createEventSink(
      (event, payload) => events.push({ event, payload }),
      (event, reason) => dropped.push(`${event}: ${reason}`),
    ),
    chooseFolder: counted('chooseFolder', () => Promise.resolve(null)),
    revealFile: counted('revealFile', () => undefined),
    writeClipboard: counted('clipboard', () => undefined),
    fetch: counted('fetch', (input: string | URL | Request, init?: RequestInit) =>
      fetch(input, init),
    ),
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
  registerAppChannels(services.router, {
    version: '0.0.0-test',
    platform: process.platform,
    powerSave: { start: counted('powerSave', () => 1), stop: () => undefined },
    notify: counted('notify', () => true),
    isWindowFocused: () => false,
    sink: createEventSink((event, payload) => events.push({ event, payload })),
  });
  // desktopCapturer and friends are Electron's and cannot run here: counted stand-ins.
  registerScreen(
    services.router,
    createScreenSources({
      desktopCapturer: {
        getSources: counted('getSources', () => {
          const image = { toDataURL: () => 'data:image/png;base64,AA==', isEmpty: () => false };
          return Promise.resolve([
            { id: 'screen:0:0', name: 'Screen', thumbnail: image, appIcon: null },
          ]);
        }),
      },
      systemPreferences: { getMediaAccessStatus: () => 'granted' },
      platform: process.platform,
      shell: { openExternal: counted('openExternal', () => Promise.resolve()) },
      trustedOrigins: [APP_ORIGIN],
    }),
  );
  await services.start();
  plan = fuzzPlan(h.url);
});

afterAll(async () => {
  await services.dispose();
  // Leave no test secrets behind in the keychain, whatever happened above.
  const entry = service(serviceFor(h.url));
  for (const { account } of await keytar.findCredentials(entry))
    await keytar.deletePassword(entry, account);
  await h.close();
  rmSync(root, { recursive: true, force: true });
});

/** Paths and markers of this process that must never reach the renderer. */
function leaksInternals(message: string): string | null {
  const markers = [resolve('.'), root, tmpdir(), homedir(), 'node_modules', 'file://'];
  for (const marker of markers) if (marker.length > 1 && message.includes(marker)) return marker;
  if (/\n\s+at |\bat \S+:\d+:\d+|\.[cm]?[jt]s:\d+|\w*Error: /.test(message)) return 'stack trace';
  return null;
}

describe('router fuzz', () => {
  it('covers exactly the contract channels, and every one has a handler', () => {
    expect(Object.keys(plan).sort()).toEqual([...CHANNELS].sort());
    expect(services.router.unhandled()).toEqual([]);
  });

  it(`refuses ${CASES_PER_CHANNEL}+ malformed calls per channel as invalid-arguments, with no side effect`, async () => {
    const before = fileTree(root);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    const rng = prng(SEED);
    const perChannel: Record<string, number> = {};
    const failures: string[] = [];
    const calls: [Channel, unknown][] = [];
    for (const channel of CHANNELS) {
      // Per variant: signal:send has one per call event, each with its own payload.
      for (let i = 0; i < CASES_PER_CHANNEL * plan[channel].length; i++)
        calls.push([channel, malformed(plan[channel], rng)]);
    }
    // Oversized chunks, whatever the PRNG picked.
    for (const chunk of [OVERSIZED, Buffer.alloc(2 * MAX_RECORDING_CHUNK)])
      calls.push(['recording:append', ['rec_fuzz000000', chunk]]);

    let maxMessage = 0;
    for (const [channel, args] of calls) {
      let answer: Result<unknown> | undefined;
      try {
        // Electron's IPC hands main a structured clone: no prototypes, no functions.
        answer = await services.router.invoke(TRUSTED, channel, structuredClone(args));
      } catch (error) {
        failures.push(`${channel}: threw ${String(error)}`);
        continue;
      }
      perChannel[channel] = (perChannel[channel] ?? 0) + 1;
      const error = answer.ok ? null : answer.error;
      const leak = error ? leaksInternals(error.message) : null;
      if (
        !error ||
        error.code !== 'invalid-arguments' ||
        Object.keys(answer).length !== 2 ||
        Object.keys(error).sort().join() !== 'code,message' ||
        typeof error.message !== 'string' ||
        error.message.length === 0 ||
        leak
      ) {
        failures.push(
          `${channel}: ${JSON.stringify(answer).slice(0, 300)}${leak ? ` leaks ${leak}` : ''}`,
        );
      } else {
        maxMessage = Math.max(maxMessage, error.message.length);
      }
    }

    expect(failures.slice(0, 10)).toEqual([]);
    expect(Object.keys(perChannel).sort()).toEqual([...CHANNELS].sort());
    for (const channel of CHANNELS)
      expect(perChannel[channel]).toBeGreaterThanOrEqual(CASES_PER_CHANNEL);
    expect(calls.length).toBeGreaterThanOrEqual(1_000);
    // Messages stay plain sentences, not echoes of huge input.
    expect(maxMessage).toBeLessThan(400);

    // Nothing happened: no file, no request, no keychain access, no event, no OS call.
    expect(fileTree(root)).toEqual(before);
    expect(sideEffects).toEqual(noSideEffects());
    expect(events).toEqual([]);
    expect(dropped).toEqual([]);
    expect(logs).toEqual([]);
    expect(services.recordings.activeCount()).toBe(0);
    expect(services.session.state().status).toBe('signed-out');
    expect(services.signaling.state().status).toBe('offline');
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses every channel from a foreign sender, valid arguments or not', async () => {
    const before = fileTree(root);
    const foreign: Sender[] = [
      { url: `${APP_ORIGIN}/index.html`, isMainFrame: false }, // our origin, but a subframe
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'http://127.0.0.1:5173/index.html', isMainFrame: true },
      { url: 'file:///index.html', isMainFrame: true },
      { url: 'app://advisor.evil/index.html', isMainFrame: true },
      { url: 'app://evil/index.html', isMainFrame: true },
      { url: 'app://advisor@evil/index.html', isMainFrame: true },
      { url: 'app://advisor:8080/index.html', isMainFrame: true },
      { url: 'https://advisor/index.html', isMainFrame: true },
      { url: 'blob:app://advisor/3b1f6c1e', isMainFrame: true },
      { url: 'data:text/html,<script>1</script>', isMainFrame: true },
      { url: 'about:blank', isMainFrame: true },
      { url: 'devtools://devtools/bundled/inspector.html', isMainFrame: true },
      { url: '', isMainFrame: true },
      { url: 'not a url', isMainFrame: true },
    ];
    const rng = prng(SEED + 1);
    let count = 0;
    for (const channel of CHANNELS) {
      for (const sender of foreign) {
        for (const args of [plan[channel][0]!.valid(), malformed(plan[channel], rng)]) {
          count++;
          expect(
            await services.router.invoke(sender, channel, structuredClone(args)),
            `${channel} from ${sender.url}`,
          ).toEqual({
            ok: false,
            error: {
              code: 'bad-sender',
              message: 'This message did not come from the app window.',
            },
          });
        }
      }
    }
    expect(count).toBe(CHANNELS.length * foreign.length * 2);
    expect(fileTree(root)).toEqual(before);
    expect(Object.values(sideEffects).every((n) => n === 0)).toBe(true);
    expect(events).toEqual([]);
    expect(services.session.state().status).toBe('signed-out');
  });

  it('still answers valid calls afterwards: every channel accepts its valid template', async () => {
    const refusedByValidation: string[] = [];
    for (const channel of CHANNELS) {
      for (const variant of plan[channel]) {
        const answer = await services.router.invoke(TRUSTED, channel, variant.valid());
        // A handler may refuse (signed out, no such recording…); validation may not.
        if (
          !answer.ok &&
          ['invalid-arguments', 'internal', 'bad-sender'].includes(answer.error.code)
        )
          refusedByValidation.push(`${channel}: ${answer.error.code} ${answer.error.message}`);
      }
    }
    expect(refusedByValidation).toEqual([]);
    expect(logs.filter((line) => line.includes('internal-error'))).toEqual([]);
  });

  it('still works end to end: settings saved, signed in, recorded, signed out', async () => {
    const call = (channel: Channel, ...args: unknown[]) =>
      services.router.invoke(TRUSTED, channel, args);
    expect(await call('app:info')).toEqual({
      ok: true,
      value: { version: '0.0.0-test', platform: process.platform },
    });
    const saved = await call('settings:set', { startMuted: false, notifyIncomingCalls: false });
    expect(saved).toMatchObject({ ok: true, value: { values: { notifyIncomingCalls: false } } });
    const file = JSON.parse(
      readFileSync(join(root, 'settings', 'settings.json'), 'utf8'),
    ) as unknown;
    expect(file).toMatchObject({ notifyIncomingCalls: false });

    expect(
      await call('session:sign-in', { serverUrl: h.url, username: 'alice', password: PASSWORD }),
    ).toMatchObject({
      ok: true,
      value: { status: 'signed-in', user: { username: 'alice' } },
    });
    const started = await call('recording:start', plan['recording:start'][0]!.valid()[0]);
    expect(started).toMatchObject({ ok: true });
    const { recordingId } = (started as { value: { recordingId: string } }).value;
    expect(await call('recording:append', recordingId, new Uint8Array([1, 2, 3, 4]))).toEqual({
      ok: true,
      value: { bytes: 4 },
    });
    expect(await call('recording:stop', recordingId)).toMatchObject({
      ok: true,
      value: { bytes: 4 },
    });
    expect(await call('session:sign-out')).toMatchObject({
      ok: true,
      value: { status: 'signed-out' },
    });
    expect(await keytar.findCredentials(service(serviceFor(h.url)))).toEqual([]);
  });

  // Once a bug: zod's "Unrecognized key" message names the key, and the router passed it on
  // whole, so a renderer could make main answer with megabytes of text.
  it('keeps the message short when an unknown key is huge', async () => {
    const answer = await services.router.invoke(TRUSTED, 'settings:set', [
      { ['k'.repeat(100_000)]: 1 },
    ]);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(JSON.stringify(answer).length).toBeLessThan(1_000);
  });
});
