/**
 * Export for archive under IT's policy: `archiveJournalAddress` and `archiveFromDomain` address
 * the journal message the app writes (real services, the real server and keychain, a recording
 * made under consent-required), the command line writes the same package when given the same
 * addresses, and a policy with a bad address is refused whole, saying why.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import Conf from 'conf';
import keytar from 'keytar';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/bridge/channels.ts';
import type { ArchiveExport, RecordingSummary } from '../../shared/bridge/contract.ts';
import {
  fakeSdp,
  PASSWORD,
  sleep,
  startHarness,
  type Harness,
} from '../../server/testing/harness.ts';
import type { Keychain } from '../auth/keychain.ts';
import { createEventSink } from '../ipc/event-sink.ts';
import { RECORDING_KEY_SERVICE } from '../recording/signing-key.ts';
import { createServices, type Services } from '../services.ts';
import { loadPolicy } from '../settings/policy.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { APP_ORIGIN } from '../shell/protocol.ts';
import type { ArchiveRecord } from './archive-record.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'export-cli.ts');
const TRUSTED = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };
const JOURNAL = 'journal@example-firm.com';
const DOMAIN = 'example-firm.com';
const root = mkdtempSync(join(tmpdir(), 'rr-archive-policy-'));
const namespace = `archive-policy ${randomUUID()}`;
const keychain: Keychain = {
  getPassword: (s, a) => keytar.getPassword(`${s} [${namespace}]`, a),
  setPassword: (s, a, p) => keytar.setPassword(`${s} [${namespace}]`, a, p),
  deletePassword: (s, a) => keytar.deletePassword(`${s} [${namespace}]`, a),
  findCredentials: (s) => keytar.findCredentials(`${s} [${namespace}]`),
};
let h: Harness;
let services: Services;
const pickerAsked: [string, string][] = [];
let summary: RecordingSummary;
let exported: ArchiveExport;

async function value<T>(channel: Channel, ...args: unknown[]): Promise<T> {
  const answer = await services.router.invoke(TRUSTED, channel, args);
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
  return answer.value as T;
}

async function until(ok: () => boolean, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await sleep(20);
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const emlOf = (folder: string): string =>
  join(folder, `${basename(summary.fileName, '.webm')}.eml`);

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
  const documentsDir = join(root, 'Documents');
  mkdirSync(documentsDir);
  const policyFile = join(root, 'policy.json');
  // No recording key: consent-required, as IT's default.
  writeFileSync(
    policyFile,
    JSON.stringify({ archiveJournalAddress: JOURNAL, archiveFromDomain: DOMAIN }),
  );
  const heard: string[] = [];
  const chosen = join(root, 'archive-from-app');
  mkdirSync(chosen);
  services = createServices({
    trustedOrigin: APP_ORIGIN,
    store: new Conf(settingsStoreOptions({ cwd: join(root, 'settings'), documentsDir })),
    keychain,
    policyFile,
    documentsDir,
    appVersion: '0.0.0-test',
    sink: createEventSink((event, payload) => {
      if (event === 'signal:event') heard.push((payload as { event: string }).event);
    }),
    chooseFolder: (current, title) => {
      pickerAsked.push([current, title]);
      return Promise.resolve(chosen);
    },
    revealFile: () => undefined,
    writeClipboard: () => undefined,
  });
  await services.session.signIn({ serverUrl: h.url, username: 'avery', password: PASSWORD });
  await until(() => services.signaling.state().status === 'online');
  const blake = await h.connect('blake');
  const averyId = services.session.state().user!.id;
  const callId = `call_${randomUUID()}`;
  const send = (event: string, payload: Record<string, unknown>) =>
    value('signal:send', { event, payload: { callId, ...payload } });
  await send('call-offer', { to: blake.userId, offer: fakeSdp('offer') });
  await blake.next('call-offer');
  await blake.send('call-answer', { to: averyId, callId, answer: fakeSdp('answer') });
  await until(() => heard.includes('call-answer'));
  await send('recording-state', { to: blake.userId, state: 'consent-requested' });
  await blake.send('recording-state', { to: averyId, callId, state: 'consent-granted' });
  await until(() => heard.includes('recording-state'));
  const { recordingId } = await value<{ recordingId: string }>('recording:start', {
    callId,
    participants: [{ id: blake.userId, displayName: 'Blake Tester' }],
    mimeType: 'video/webm;codecs=vp8,opus',
  });
  await value('recording:append', recordingId, new Uint8Array(4_000).fill(9));
  summary = await value<RecordingSummary>('recording:stop', recordingId);
  exported = (await value<ArchiveExport | null>('recordings:export', recordingId))!;
  await send('end-call', { to: blake.userId });
  blake.socket.disconnect();
});

afterAll(async () => {
  await services.dispose();
  await h.close();
  rmSync(root, { recursive: true, force: true });
  for (const name of [RECORDING_KEY_SERVICE, `RichesReach Advisor (${h.url})`]) {
    for (const { account } of await keychain.findCredentials(name)) {
      await keychain.deletePassword(name, account);
    }
  }
});

describe('Export for archive under IT’s policy', () => {
  it('asks for the folder with a title that says it is for the archive package', () => {
    expect(pickerAsked).toEqual([
      [join(root, 'Documents'), 'Choose where to save the archive package'],
    ]);
  });

  it('addresses the journal message to IT’s journal address, from the advisor’s username at IT’s domain', async () => {
    const record = JSON.parse(
      readFileSync(join(exported.folder, 'archive-record.json'), 'utf8'),
    ) as ArchiveRecord;
    expect(record.owner).toEqual({
      id: services.session.state().user!.id,
      name: 'Avery Tester',
      email: `avery@${DOMAIN}`,
    });
    const mail = await simpleParser(readFileSync(emlOf(exported.folder)));
    expect(mail.to).toMatchObject({ value: [{ address: JOURNAL }] });
    expect(mail.from?.value).toEqual([{ name: 'Avery Tester', address: `avery@${DOMAIN}` }]);
    // No placeholder address is left anywhere in the message.
    const raw = readFileSync(emlOf(exported.folder), 'latin1');
    expect(raw).not.toContain('@advisor.invalid');
    expect(raw).not.toContain('@archive.invalid');
  });

  it('the command line keeps its flags: given the same addresses it writes the same package', async () => {
    const out = join(root, 'archive-from-cli');
    const media = join(summary.folder, summary.fileName);
    await run(process.execPath, [CLI, media, '--out', out, '--journal-to', JOURNAL]);
    await run(process.execPath, [
      ...[CLI, media, '--out', out, '--journal-to', JOURNAL, '--from', `avery@${DOMAIN}`],
    ]);
    const [placeholderFrom, same] = readdirSync(out)
      .sort()
      .map((name) => join(out, name));
    // Without --from, the placeholder domain (the CLI does not read the policy).
    const mail = await simpleParser(readFileSync(emlOf(placeholderFrom!)));
    expect(mail.from?.value[0]?.address).toMatch(/@advisor\.invalid$/);
    for (const name of readdirSync(exported.folder)) {
      expect(sha256(readFileSync(join(same!, name))), name).toBe(
        sha256(readFileSync(join(exported.folder, name))),
      );
    }
  });

  it('refuses a policy whose journal address or From domain is not one, and applies none of it', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ archiveJournalAddress: 'journal' }, '"archiveJournalAddress": must be an e-mail address'],
      [{ archiveJournalAddress: 'a@b@firm.example' }, '"archiveJournalAddress"'],
      [{ archiveFromDomain: 'example-firm.com/x' }, '"archiveFromDomain": must be a mail domain'],
      [{ archiveFromDomain: '@example-firm.com' }, '"archiveFromDomain"'],
      [{ archiveFromDomain: 'localhost' }, '"archiveFromDomain"'],
    ];
    for (const [policy, problem] of cases) {
      const file = join(root, `bad-${randomUUID()}.json`);
      writeFileSync(file, JSON.stringify({ recording: 'allowed', ...policy }));
      const loaded = loadPolicy(file);
      expect(loaded.policy).toEqual({});
      expect(loaded.error).toContain(problem);
    }
    const good = join(root, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        archiveJournalAddress: 'Journal.Desk@Mail.Example-Firm.com',
        archiveFromDomain: 'Example-Firm.co.uk',
      }),
    );
    expect(loadPolicy(good)).toEqual({
      policy: {
        archiveJournalAddress: 'Journal.Desk@Mail.Example-Firm.com',
        archiveFromDomain: 'Example-Firm.co.uk',
      },
      error: null,
    });
  });
});
