/**
 * The consent rule main enforces, fed the recording-state and call-participants messages main
 * relays (the witness), with the real writer on real files and a real keychain key: which answers
 * count, who coming into the call ends a recording and who does not.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeCallWith } from './call-account.ts';
import type { CallWitness } from './call-witness.ts';
import { createConsentGuard } from './consent-guard.ts';
import { CALL_ID, START, chunk, createTempFolders, readManifest } from './testing/fixtures.ts';
import { witnessOf, writerFor, type Person } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { createRecordingWriter } from './writer.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('consent-guard');
afterAll(key.remove);

const AVERY = { id: 'u_avery', displayName: 'Avery Tester' };
const BLAKE = { id: 'u_blake', displayName: 'Blake Tester' };
const DANA = { id: 'u_dana', displayName: 'Dana Tester' };

type Answer = 'consent-requested' | 'consent-granted' | 'consent-denied';

/** I (Avery) send `state` to `to`, and the server acknowledges it. */
const say = (w: CallWitness, to: string, state: Answer) => {
  w.sent({ event: 'recording-state', payload: { to, callId: CALL_ID, state } }, { ok: true });
};
/** `from` sends `state` to me. */
const hear = (w: CallWitness, from: string, state: Answer) => {
  w.received({ event: 'recording-state', payload: { from, callId: CALL_ID, state } });
};
/** The server's list of who is in the call now. */
const inCall = (w: CallWitness, people: Person[]) => {
  w.received({
    event: 'call-participants',
    payload: {
      callId: CALL_ID,
      participants: people.map((p) => ({
        userId: p.id,
        displayName: p.displayName,
        state: 'joined',
      })),
    },
  });
};

describe('which answers count', () => {
  it('only an allow from them, to me, after my latest request to them, and no refusal since', () => {
    const w = witnessOf([AVERY, BLAKE]);
    const guard = createConsentGuard(w);
    const missing = () => guard.missing(CALL_ID, guard.since(CALL_ID))?.map((p) => p.id);
    // An allow nobody asked for, then one sent to someone else's question, count for nothing.
    hear(w, BLAKE.id, 'consent-granted');
    w.received({
      event: 'recording-state',
      payload: { from: BLAKE.id, callId: 'call_another00001', state: 'consent-granted' },
    });
    expect(missing()).toEqual([BLAKE.id]);
    say(w, BLAKE.id, 'consent-requested');
    expect(missing()).toEqual([BLAKE.id]);
    hear(w, BLAKE.id, 'consent-granted');
    expect(missing()).toEqual([]);
    // Asked again: the earlier allow no longer answers it.
    say(w, BLAKE.id, 'consent-requested');
    expect(missing()).toEqual([BLAKE.id]);
    hear(w, BLAKE.id, 'consent-granted');
    hear(w, BLAKE.id, 'consent-denied');
    expect(missing()).toEqual([BLAKE.id]);
    // A request the server refused to pass on was never asked.
    w.sent(
      {
        event: 'recording-state',
        payload: { to: BLAKE.id, callId: CALL_ID, state: 'consent-requested' },
      },
      { ok: false, error: { code: 'not-in-call', message: 'x' } },
    );
    hear(w, BLAKE.id, 'consent-granted');
    expect(missing()).toEqual([]);
    // Someone who left needs not agree; nobody else there means nothing to check against.
    inCall(w, [AVERY]);
    expect(missing()).toBeUndefined();
  });
});

describe('a start under consent-required', () => {
  it('is refused, its files removed, when someone joins while it is being set up', async () => {
    const folder = temp.folder();
    const w = witnessOf([AVERY, BLAKE]);
    const account = describeCallWith(w);
    const writer = createRecordingWriter({
      folder: () => folder,
      policy: () => 'consent-required',
      appVersion: '9.9.9-test',
      signer: key.signer,
      // Dana comes in while main looks up the names (up to 3 s when the directory is slow).
      describeCall: async (callId, claimed) => {
        inCall(w, [AVERY, BLAKE, DANA]);
        return account(callId, claimed);
      },
      consent: createConsentGuard(w),
    });
    say(w, BLAKE.id, 'consent-requested');
    hear(w, BLAKE.id, 'consent-granted');
    await expect(writer.start(START)).rejects.toMatchObject({
      code: 'consent-missing',
      message: 'Everyone in the call must agree to be recorded first. Not yet agreed: Dana Tester.',
    });
    expect(readdirSync(folder)).toEqual([]);
    expect(writer.activeCount()).toBe(0);
  });

  it('uses one round of answers once, even for two starts at the same moment', async () => {
    const w = witnessOf([AVERY, BLAKE]);
    const writer = writerFor(temp.folder(), {
      signer: key.signer,
      witness: w,
      policy: 'consent-required',
    });
    say(w, BLAKE.id, 'consent-requested');
    hear(w, BLAKE.id, 'consent-granted');
    const results = await Promise.allSettled([writer.start(START), writer.start(START)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(writer.activeCount()).toBe(1);
    await writer.stopAll();
  });
});

describe('someone coming into a call being recorded under consent-required', () => {
  it('one who agreed and comes back does not stop it; one nobody asked does, and the manifest says who', async () => {
    const folder = temp.folder();
    const w = witnessOf([AVERY, BLAKE]);
    const writer = writerFor(folder, {
      signer: key.signer,
      witness: w,
      policy: 'consent-required',
    });
    say(w, BLAKE.id, 'consent-requested');
    hear(w, BLAKE.id, 'consent-granted');
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(1, 1_000));

    // Blake drops out and comes back (a crash, a new device): Blake agreed to this recording.
    inCall(w, [AVERY]);
    inCall(w, [AVERY, BLAKE]);
    await expect(writer.append(recordingId, chunk(2, 1_000))).resolves.toEqual({ bytes: 2_000 });

    inCall(w, [AVERY, BLAKE, DANA]);
    const stopped = {
      code: 'consent-missing',
      message:
        'Recording stopped: Dana Tester joined the call and has not agreed to be recorded. Start recording again to ask everyone.',
    };
    await expect(writer.append(recordingId, chunk(3, 1_000))).rejects.toMatchObject(stopped);
    const summary = await writer.stop(recordingId);
    expect(summary.bytes).toBe(2_000);
    expect(writer.activeCount()).toBe(0);
    await expect(writer.append(recordingId, chunk(4, 1_000))).rejects.toMatchObject(stopped);
    expect(readManifest(join(folder, summary.fileName))).toMatchObject({
      status: 'interrupted',
      consentMissing: [DANA.id],
      bytes: 2_000,
      signature: expect.any(String) as unknown,
    });
  });

  it('leaves a recording of another call, or one made under allowed, running', async () => {
    const folder = temp.folder();
    const w = witnessOf([AVERY, BLAKE]);
    const allowed = writerFor(folder, { signer: key.signer, witness: w, policy: 'allowed' });
    // Under 'allowed' nobody is asked, and a joiner ends nothing.
    const { recordingId } = await allowed.start(START);
    inCall(w, [AVERY, BLAKE, DANA]);
    await expect(allowed.append(recordingId, chunk(1, 500))).resolves.toEqual({ bytes: 500 });
    await allowed.stop(recordingId);

    const other = witnessOf([AVERY, BLAKE], 'call_the_other_01');
    const required = writerFor(temp.folder(), {
      signer: key.signer,
      witness: other,
      policy: 'consent-required',
    });
    other.sent(
      {
        event: 'recording-state',
        payload: { to: BLAKE.id, callId: 'call_the_other_01', state: 'consent-requested' },
      },
      { ok: true },
    );
    other.received({
      event: 'recording-state',
      payload: { from: BLAKE.id, callId: 'call_the_other_01', state: 'consent-granted' },
    });
    const second = await required.start({ ...START, callId: 'call_the_other_01' });
    // Dana comes into a different call main also relays.
    other.received({
      event: 'call-participants',
      payload: {
        callId: CALL_ID,
        participants: [AVERY, DANA].map((p) => ({
          userId: p.id,
          displayName: p.displayName,
          state: 'joined' as const,
        })),
      },
    });
    await expect(required.append(second.recordingId, chunk(1, 500))).resolves.toEqual({
      bytes: 500,
    });
    await required.stop(second.recordingId);
  });
});
