/**
 * Recording through main's real services: a real server, a real call relayed by main, the real
 * keychain. What the manifest says about the call comes from the signaling main carried, not
 * from what the renderer claims; the policy decides whether a cloud-synced folder may be used.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeEvent, Channel } from '../../shared/bridge/channels.ts';
import type { Result } from '../../shared/bridge/results.ts';
import { fakeSdp, sleep, startHarness, type Harness } from '../../server/testing/harness.ts';
import type { Keychain } from '../auth/keychain.ts';
import { createEventSink } from '../ipc/event-sink.ts';
import { createServices, type Services } from '../services.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { APP_ORIGIN } from '../shell/protocol.ts';
import type { RecordingManifest } from './manifest.ts';

const TRUSTED = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };
let h: Harness;
const roots: string[] = [];
const namespaces: string[] = [];

interface App {
  root: string;
  services: Services;
  events: { event: BridgeEvent; payload: unknown }[];
  value<T>(channel: Channel, ...args: unknown[]): Promise<T>;
  call(channel: Channel, ...args: unknown[]): Promise<Result<unknown>>;
}

function launch(policy?: unknown): App {
  const root = mkdtempSync(join(tmpdir(), 'rr-recording-services-'));
  roots.push(root);
  const documentsDir = join(root, 'Documents');
  mkdirSync(documentsDir);
  const policyFile = join(root, 'policy.json');
  if (policy !== undefined) writeFileSync(policyFile, JSON.stringify(policy));
  // This app's own entries in the one real keychain (each real app has its own).
  const namespace = `recording-services ${randomUUID()}`;
  namespaces.push(namespace);
  const service = (name: string) => `${name} [${namespace}]`;
  const keychain: Keychain = {
    getPassword: (name, account) => keytar.getPassword(service(name), account),
    setPassword: (name, account, password) => keytar.setPassword(service(name), account, password),
    deletePassword: (name, account) => keytar.deletePassword(service(name), account),
    findCredentials: (name) => keytar.findCredentials(service(name)),
  };
  const events: App['events'] = [];
  const services = createServices({
    trustedOrigin: APP_ORIGIN,
    store: new Conf(settingsStoreOptions({ cwd: join(root, 'settings'), documentsDir })),
    keychain,
    policyFile,
    documentsDir,
    appVersion: '0.0.0-test',
    sink: createEventSink((event, payload) => events.push({ event, payload })),
    chooseFolder: () => Promise.resolve(null),
    revealFile: () => undefined,
    writeClipboard: () => undefined,
  });
  const call = (channel: Channel, ...args: unknown[]) =>
    services.router.invoke(TRUSTED, channel, args);
  return {
    root,
    services,
    events,
    call,
    async value<T>(channel: Channel, ...args: unknown[]) {
      const answer = await call(channel, ...args);
      if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
      return answer.value as T;
    },
  };
}

async function until(what: string, ok: () => boolean, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const heard = (app: App, event: string) =>
  app.events.filter(
    (e) => e.event === 'signal:event' && (e.payload as { event: string }).event === event,
  ).length;

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
  await h.addUser('casey', ['Team']);
});

afterAll(async () => {
  await h.close();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  for (const namespace of namespaces) {
    for (const name of ['RichesReach Advisor recording key', `RichesReach Advisor (${h.url})`]) {
      for (const { account } of await keytar.findCredentials(`${name} [${namespace}]`)) {
        await keytar.deletePassword(`${name} [${namespace}]`, account);
      }
    }
  }
});

describe('recording in main’s services', () => {
  it('writes the participants and consent main relayed, not the renderer’s list, signed with this install’s key', async () => {
    const avery = launch({ recording: 'allowed' });
    await avery.services.session.signIn({
      serverUrl: h.url,
      username: 'avery',
      password: 'correct horse battery',
    });
    await until('signaling online', () => avery.services.signaling.state().status === 'online');
    const blake = await h.connect('blake');
    const averyId = avery.services.session.state().user!.id;
    const callId = `call_${randomUUID()}`;
    const send = (event: string, payload: Record<string, unknown>) =>
      avery.value('signal:send', { event, payload: { callId, ...payload } });

    await send('call-offer', { to: blake.userId, offer: fakeSdp('offer') });
    await blake.next('call-offer');
    await blake.send('call-answer', { to: averyId, callId, answer: fakeSdp('answer') });
    await until('answer at avery', () => heard(avery, 'call-answer') === 1);
    await send('recording-state', { to: blake.userId, state: 'consent-requested' });
    await blake.next('recording-state');
    await blake.send('recording-state', { to: averyId, callId, state: 'consent-granted' });
    await until('consent at avery', () => heard(avery, 'recording-state') === 1);

    // The renderer names Blake wrongly and adds someone who was never in the call.
    const { recordingId } = await avery.value<{ recordingId: string }>('recording:start', {
      callId,
      participants: [
        { id: averyId, displayName: 'Avery Tester' },
        { id: blake.userId, displayName: 'Someone Else' },
        { id: 'u_ghost', displayName: 'Ghost' },
      ],
      mimeType: 'video/webm;codecs=vp8,opus',
    });
    await send('recording-state', { to: blake.userId, state: 'started' });
    await avery.value('recording:append', recordingId, new Uint8Array(2_048).fill(7));
    await blake.send('end-call', { to: averyId, callId });
    await until('end-call at avery', () => heard(avery, 'end-call') === 1);
    const summary = await avery.value<{ fileName: string; folder: string }>(
      'recording:stop',
      recordingId,
    );

    // Names are the server's (its call-participants), not the renderer's.
    expect(summary.fileName).toMatch(/ Call with Avery Tester and Blake Tester\.webm$/);
    const manifest = JSON.parse(
      readFileSync(join(summary.folder, `${summary.fileName}.json`), 'utf8'),
    ) as RecordingManifest;
    expect(manifest.participants).toEqual([
      expect.objectContaining({
        id: averyId,
        displayName: 'Avery Tester',
        nameFrom: 'signaling',
        leftAt: null,
      }),
      expect.objectContaining({
        id: blake.userId,
        displayName: 'Blake Tester',
        nameFrom: 'signaling',
        leftAt: expect.any(String),
      }),
    ]);
    expect(manifest.consent.map((e) => [e.from, e.to, e.state])).toEqual([
      [averyId, blake.userId, 'consent-requested'],
      [blake.userId, averyId, 'consent-granted'],
      [averyId, blake.userId, 'started'],
    ]);
    expect(manifest.participantsCheck).toEqual({
      matches: false,
      claimedNotWitnessed: [{ id: 'u_ghost', displayName: 'Ghost' }],
      witnessedNotClaimed: [],
    });
    await expect(avery.value('recordings:verify', recordingId)).resolves.toMatchObject({
      verdict: 'valid',
      keyId: manifest.signer!.keyId,
      reason: expect.stringMatching(/signed by this computer’s recording key/) as unknown,
    });
    blake.socket.disconnect();
    await avery.services.dispose();
  });

  it('consent-required is the policy when IT sets none', async () => {
    const app = launch();
    await expect(app.value('settings:get')).resolves.toMatchObject({
      recordingPolicy: 'consent-required',
    });
    expect(app.services.settings.recordingPolicy()).toBe('consent-required');
  });

  it('refuses to record into a cloud-synced folder when IT forbids it, and Settings says why', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rr-cloud-'));
    roots.push(root);
    const app = launch({
      recording: 'allowed',
      recordingsFolder: join(root, 'Dropbox', 'Recordings'),
      allowCloudSyncedRecordings: false,
    });
    await expect(app.value('recordings:folder-status')).resolves.toEqual({
      provider: 'Dropbox',
      refused: true,
      message: expect.stringMatching(
        /does not allow recordings in a folder that Dropbox copies to the cloud/,
      ) as unknown,
    });
    await expect(
      app.call('recording:start', {
        callId: 'call_cloud000001',
        participants: [{ id: 'u_x', displayName: 'X' }],
        mimeType: 'video/webm',
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'cloud-synced-folder' } });
    // Without the policy key, a warning only.
    const warned = launch({
      recording: 'allowed',
      recordingsFolder: join(root, 'Dropbox', 'Recordings'),
    });
    await expect(warned.value('recordings:folder-status')).resolves.toMatchObject({
      provider: 'Dropbox',
      refused: false,
      message: expect.stringMatching(
        /inside Dropbox, which copies its files to the cloud/,
      ) as unknown,
    });
  });
});

/** Avery (main's real services, IT's policy as given) in a 1:1 call with Blake (a raw client). */
async function callBlake(policy?: unknown) {
  const avery = launch(policy);
  await avery.services.session.signIn({
    serverUrl: h.url,
    username: 'avery',
    password: 'correct horse battery',
  });
  await until('signaling online', () => avery.services.signaling.state().status === 'online');
  const blake = await h.connect('blake');
  const averyId = avery.services.session.state().user!.id;
  const callId = `call_${randomUUID()}`;
  const send = (event: string, payload: Record<string, unknown>) =>
    avery.value('signal:send', { event, payload: { callId, ...payload } });
  await send('call-offer', { to: blake.userId, offer: fakeSdp('offer') });
  await blake.next('call-offer');
  await blake.send('call-answer', { to: averyId, callId, answer: fakeSdp('answer') });
  await until('answer at avery', () => heard(avery, 'call-answer') === 1);
  const start = (id = callId) =>
    avery.call('recording:start', {
      callId: id,
      participants: [{ id: blake.userId, displayName: 'Blake Tester' }],
      mimeType: 'video/webm;codecs=vp8,opus',
    });
  /** Avery asks each of `who`, and each answers; main relays both ways. */
  async function ask(
    who: { client: typeof blake; answer: 'consent-granted' | 'consent-denied' }[],
  ) {
    const before = heard(avery, 'recording-state');
    for (const { client } of who) {
      await send('recording-state', { to: client.userId, state: 'consent-requested' });
    }
    for (const { client, answer } of who) {
      await client.send('recording-state', { to: averyId, callId, state: answer });
    }
    await until('answers at avery', () => heard(avery, 'recording-state') === before + who.length);
  }
  return { avery, blake, averyId, callId, send, start, ask };
}

const refused = (detail: string) => ({
  ok: false,
  error: {
    code: 'consent-missing',
    message: `Everyone in the call must agree to be recorded first.${detail}`,
  },
});

const startedValue = (result: Result<unknown>): { recordingId: string } => {
  if (!result.ok) throw new Error(`recording:start: ${result.error.message}`);
  return result.value as { recordingId: string };
};

const manifestOf = (summary: { folder: string; fileName: string }): RecordingManifest =>
  JSON.parse(
    readFileSync(join(summary.folder, `${summary.fileName}.json`), 'utf8'),
  ) as RecordingManifest;

describe('consent-required, enforced by main', () => {
  it('refuses recording:start until everyone in the call has allowed it, writing nothing; the answers count for one recording', async () => {
    // IT set no recording key: consent-required.
    const { avery, blake, send, start, ask } = await callBlake();
    const folder = avery.services.settings.recordingsFolder();
    const files = () => (existsSync(folder) ? readdirSync(folder) : []);

    // The renderer may say everyone agreed; main saw no answer.
    await expect(start()).resolves.toEqual(refused(' Not yet agreed: Blake Tester.'));
    await expect(start('call_never_relayed1')).resolves.toEqual(
      refused(' This app has not seen anyone else join this call.'),
    );
    await ask([{ client: blake, answer: 'consent-denied' }]);
    await expect(start()).resolves.toEqual(refused(' Not yet agreed: Blake Tester.'));
    expect(files()).toEqual([]);

    await ask([{ client: blake, answer: 'consent-granted' }]);
    const { recordingId } = startedValue(await start());
    await avery.value('recording:append', recordingId, new Uint8Array(1_024).fill(3));
    const summary = await avery.value<{ folder: string; fileName: string }>(
      'recording:stop',
      recordingId,
    );
    expect(manifestOf(summary).consent.map((e) => e.state)).toEqual([
      'consent-requested',
      'consent-denied',
      'consent-requested',
      'consent-granted',
    ]);

    // Blake allowed that recording; another one asks again.
    await expect(start()).resolves.toEqual(refused(' Not yet agreed: Blake Tester.'));
    expect(files().sort()).toEqual([summary.fileName, `${summary.fileName}.json`].sort());
    await send('end-call', { to: blake.userId });
    blake.socket.disconnect();
    await avery.services.dispose();
  });

  it('stops a recording when someone joins who has not agreed: the next append says why, the manifest names them', async () => {
    const { avery, blake, averyId, callId, send, start, ask } = await callBlake({
      recording: 'consent-required',
    });
    await ask([{ client: blake, answer: 'consent-granted' }]);
    const { recordingId } = startedValue(await start());
    await avery.value('recording:append', recordingId, new Uint8Array(2_048).fill(1));

    // Avery rings Casey into the call; Casey joins. Nobody asked Casey.
    const casey = await h.connect('casey');
    await send('call-invite', { to: casey.userId });
    await casey.next('call-invite');
    expect(await casey.send('call-join', { to: averyId, callId })).toMatchObject({ ok: true });
    await until('casey joined, at avery', () =>
      avery.events.some((e) => {
        const signal = e.payload as { event: string; payload: { participants?: unknown[] } };
        return (
          signal.event === 'call-participants' &&
          (signal.payload.participants ?? []).some(
            (p) =>
              (p as { userId: string; state: string }).userId === casey.userId &&
              (p as { state: string }).state === 'joined',
          )
        );
      }),
    );

    const stopped = {
      ok: false,
      error: {
        code: 'consent-missing',
        message:
          'Recording stopped: Casey Tester joined the call and has not agreed to be recorded. Start recording again to ask everyone.',
      },
    };
    await expect(
      avery.call('recording:append', recordingId, new Uint8Array(2_048).fill(2)),
    ).resolves.toEqual(stopped);
    // The renderer's stop after a failed append answers with what was kept.
    const summary = await avery.value<{ folder: string; fileName: string; bytes: number }>(
      'recording:stop',
      recordingId,
    );
    expect(summary.bytes).toBe(2_048);
    const manifest = manifestOf(summary);
    expect(manifest).toMatchObject({ status: 'interrupted', consentMissing: [casey.userId] });
    expect(manifest.participants).toContainEqual(
      expect.objectContaining({ id: casey.userId, displayName: 'Casey Tester', leftAt: null }),
    );
    expect(manifest.consent.filter((e) => e.from === casey.userId)).toEqual([]);
    await expect(avery.value('recordings:verify', recordingId)).resolves.toMatchObject({
      verdict: 'valid',
      status: 'interrupted',
      reason: expect.stringContaining(
        'The app stopped it when someone joined who had not agreed to be recorded',
      ) as unknown,
    });

    // Asking everyone again, Casey included, lets the next recording start.
    await expect(start()).resolves.toEqual(
      refused(' Not yet agreed: Blake Tester and Casey Tester.'),
    );
    await ask([
      { client: blake, answer: 'consent-granted' },
      { client: casey, answer: 'consent-granted' },
    ]);
    await expect(start()).resolves.toMatchObject({ ok: true });
    await send('end-call', { to: blake.userId });
    for (const client of [blake, casey]) client.socket.disconnect();
    await avery.services.dispose();
  });
});
