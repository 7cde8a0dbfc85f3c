/**
 * Export for archive end to end in main: a call relayed by main's real services to the real
 * server, recorded with the real keychain key and the server's receipts, then exported through
 * the `recordings:export` channel into the folder the picker answers, and again with
 * `npm run export-recording`. The record is checked against its JSON Schema (ajv), the journal
 * message is parsed with a maintained mail parser (mailparser): its headers, and attachments
 * whose bytes are the package's files. Both paths write the same package, byte for byte.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import Conf from 'conf';
import keytar from 'keytar';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../shared/bridge/channels.ts';
import type { ArchiveExport, RecordingSummary } from '../../shared/bridge/contract.ts';
import type { Result } from '../../shared/bridge/results.ts';
import {
  fakeSdp,
  PASSWORD,
  sleep,
  startHarness,
  type Harness,
} from '../../server/testing/harness.ts';
import type { Keychain } from '../auth/keychain.ts';
import { createEventSink } from '../ipc/event-sink.ts';
import type { RecordingManifest } from '../recording/manifest.ts';
import { RECORDING_KEY_SERVICE } from '../recording/signing-key.ts';
import { createServices, type Services } from '../services.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { APP_ORIGIN } from '../shell/protocol.ts';
import type { ArchiveRecord } from './archive-record.ts';
import schema from './archive-record.schema.json' with { type: 'json' };

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'export-cli.ts');
const TRUSTED = { url: `${APP_ORIGIN}/index.html`, isMainFrame: true };
const root = mkdtempSync(join(tmpdir(), 'rr-archive-'));
const namespace = `archive ${randomUUID()}`;
const keychain: Keychain = {
  getPassword: (s, a) => keytar.getPassword(`${s} [${namespace}]`, a),
  setPassword: (s, a, p) => keytar.setPassword(`${s} [${namespace}]`, a, p),
  deletePassword: (s, a) => keytar.deletePassword(`${s} [${namespace}]`, a),
  findCredentials: (s) => keytar.findCredentials(`${s} [${namespace}]`),
};
let h: Harness;
let services: Services;
let chosen: string | null = null;
let summary: RecordingSummary;
let exported: ArchiveExport;

const call = (channel: Channel, ...args: unknown[]): Promise<Result<unknown>> =>
  services.router.invoke(TRUSTED, channel, args);
async function value<T>(channel: Channel, ...args: unknown[]): Promise<T> {
  const answer = await call(channel, ...args);
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
  return answer.value as T;
}
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const folderIn = (dir: string): string => join(dir, readdirSync(dir)[0]!);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function until(ok: () => boolean, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await sleep(20);
  }
}

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
  const documentsDir = join(root, 'Documents');
  mkdirSync(documentsDir);
  const heard: string[] = [];
  services = createServices({
    trustedOrigin: APP_ORIGIN,
    store: new Conf(settingsStoreOptions({ cwd: join(root, 'settings'), documentsDir })),
    keychain,
    policyFile: join(root, 'no-policy.json'),
    documentsDir,
    appVersion: '0.0.0-test',
    sink: createEventSink((event, payload) => {
      if (event === 'signal:event') heard.push((payload as { event: string }).event);
    }),
    chooseFolder: () => Promise.resolve(chosen),
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
  for (const fill of [1, 2, 3])
    await value('recording:append', recordingId, new Uint8Array(3_000).fill(fill));
  summary = await value<RecordingSummary>('recording:stop', recordingId);
  chosen = join(root, 'archive-from-app');
  mkdirSync(chosen);
  exported = (await value<ArchiveExport | null>('recordings:export', recordingId))!;
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

describe('Export for archive', () => {
  it('writes the package into the folder the picker answered', () => {
    expect(exported.folder).toBe(
      join(root, 'archive-from-app', `${basename(summary.fileName, '.webm')} archive`),
    );
    expect(readdirSync(exported.folder).sort()).toEqual(
      [
        summary.fileName,
        `${summary.fileName}.json`,
        'archive-record.json',
        'archive-record.schema.json',
        `${basename(summary.fileName, '.webm')}.eml`,
      ].sort(),
    );
    expect(exported.files).toHaveLength(5);
    expect(readFileSync(join(exported.folder, summary.fileName))).toEqual(
      readFileSync(join(summary.folder, summary.fileName)),
    );
  });

  it('writes a record that the shipped JSON Schema accepts, with roles, files, consent and receipts', () => {
    const text = readFileSync(join(exported.folder, 'archive-record.json'), 'utf8');
    const record = JSON.parse(text) as ArchiveRecord;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    // A CommonJS module: its default export is the plugin's `default` member.
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(record);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema in the package is the one shipped in the repo.
    expect(
      JSON.parse(readFileSync(join(exported.folder, 'archive-record.schema.json'), 'utf8')),
    ).toEqual(schema);
    // It rejects what it should: a record missing its receipts member, or a role it does not know.
    expect(validate({ ...record, serverReceipts: undefined })).toBe(false);
    expect(
      validate({ ...record, participants: [{ ...record.participants[0], role: 'host' }] }),
    ).toBe(false);

    const manifest = JSON.parse(
      readFileSync(join(exported.folder, `${summary.fileName}.json`), 'utf8'),
    ) as RecordingManifest;
    expect(record).toMatchObject({
      type: 'video-call',
      callId: manifest.callId,
      recordingId: summary.recordingId,
      title: expect.stringMatching(
        /^Recorded call \d{4}-\d\d-\d\d \d\d:\d\d UTC with Blake Tester$/,
      ) as unknown,
      startTime: manifest.startedAt,
      endTime: manifest.endedAt,
      owner: {
        name: 'Avery Tester',
        email: `${services.session.state().user!.id}@advisor.invalid`,
      },
      participants: [
        expect.objectContaining({ name: 'Avery Tester', role: 'advisor', inServerReceipt: true }),
        expect.objectContaining({ name: 'Blake Tester', role: 'member', inServerReceipt: true }),
      ],
      files: [
        {
          kind: 'media',
          fileName: summary.fileName,
          mimeType: 'video/webm',
          bytes: 9_000,
          sha256: summary.sha256,
        },
        expect.objectContaining({ kind: 'manifest', mimeType: 'application/json' }),
      ],
      manifest: {
        keyId: manifest.signer?.keyId,
        signature: manifest.signature,
        unsignedReason: null,
      },
    });
    expect(record.consentEvents.map((e) => [e.fromName, e.toName, e.state])).toEqual([
      ['Avery Tester', 'Blake Tester', 'consent-requested'],
      ['Blake Tester', 'Avery Tester', 'consent-granted'],
    ]);
    expect(record.serverReceipts).toEqual(manifest.serverReceipts);
    expect(record.serverReceipts?.stop?.receipt).toMatchObject({
      phase: 'stop',
      sha256: summary.sha256,
    });
    // Each file's SHA-256 is that of the file in the package.
    for (const file of record.files) {
      expect(sha256(readFileSync(join(exported.folder, file.fileName)))).toBe(file.sha256);
    }
  });

  it('writes an RFC 5322 journal message a mail parser reads, with the files attached byte for byte', async () => {
    const emlName = `${basename(summary.fileName, '.webm')}.eml`;
    const raw = readFileSync(join(exported.folder, emlName));
    const text = raw.toString('latin1');
    expect(text.split('\r\n').length).toBeGreaterThan(20);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n'); // CRLF line ends only
    const mail = await simpleParser(raw);
    const record = JSON.parse(
      readFileSync(join(exported.folder, 'archive-record.json'), 'utf8'),
    ) as ArchiveRecord;
    expect(mail.from?.value).toEqual([{ name: 'Avery Tester', address: record.owner.email }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'journal@archive.invalid' }] });
    expect(mail.subject).toBe(record.title);
    // RFC 5322 dates are to the second.
    expect(mail.date?.getTime()).toBe(Math.floor(Date.parse(record.startTime) / 1000) * 1000);
    expect(mail.messageId).toMatch(/^<rec_[\w-]+\.[0-9a-f]{16}@richesreach-advisor\.invalid>$/);
    expect(mail.headers.get('x-richesreach-call-id')).toBe(record.callId);
    expect(mail.headers.get('mime-version')).toBe('1.0');
    expect(mail.text).toContain('Avery Tester recorded a video call in RichesReach Advisor.');
    expect(mail.text).toContain('- Blake Tester (member), joined');
    expect(mail.text).toContain('granted consent to record (to Avery Tester)');
    expect(mail.text).toMatch(
      /Server receipts: start and stop, signed by server key [0-9a-f]{64}\./,
    );
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['archive-record.json', 'application/json'],
      [`${summary.fileName}.json`, 'application/json'],
      [summary.fileName, 'video/webm'],
    ]);
    for (const attachment of mail.attachments) {
      expect(sha256(attachment.content)).toBe(
        sha256(readFileSync(join(exported.folder, attachment.filename!))),
      );
    }
    expect(text).toMatch(
      /Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\s+filename=archive-record\.json/,
    );
    // The record round-trips: the attached JSON is the file, and parses to the same record.
    expect(JSON.parse(mail.attachments[0]!.content.toString('utf8'))).toEqual(record);
  });

  it('writes the same package from the command line, byte for byte', async () => {
    const out = join(root, 'archive-from-cli');
    const result = await cli(join(summary.folder, summary.fileName), '--out', out);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`Exported to ${out}`) as unknown,
    });
    const cliFolder = folderIn(out);
    expect(basename(cliFolder)).toBe(basename(exported.folder));
    for (const name of readdirSync(exported.folder)) {
      expect(sha256(readFileSync(join(cliFolder, name))), name).toBe(
        sha256(readFileSync(join(exported.folder, name))),
      );
    }
    // --journal-to addresses the journal; a second export goes beside the first, not over it.
    const again = await cli(
      join(summary.folder, summary.fileName),
      '--out',
      out,
      '--journal-to',
      'journal@firm.example',
    );
    expect(again.code).toBe(0);
    const second = join(out, `${basename(exported.folder)} (2)`);
    const mail = await simpleParser(
      readFileSync(join(second, `${basename(summary.fileName, '.webm')}.eml`)),
    );
    expect(mail.to).toMatchObject({ value: [{ address: 'journal@firm.example' }] });
  });

  it('writes nothing when the picker is cancelled, and refuses a recording that was changed', async () => {
    chosen = null;
    await expect(value('recordings:export', summary.recordingId)).resolves.toBeNull();
    chosen = join(root, 'refused');
    mkdirSync(chosen);
    appendFileSync(join(summary.folder, summary.fileName), 'x');
    await expect(call('recordings:export', summary.recordingId)).resolves.toEqual({
      ok: false,
      error: {
        code: 'recording-not-intact',
        message:
          'This recording was not exported: 1 byte was added after the end of the recording.',
      },
    });
    const result = await cli(join(summary.folder, summary.fileName), '--out', chosen);
    expect(result).toMatchObject({
      code: 1,
      stderr: 'This recording was not exported: 1 byte was added after the end of the recording.\n',
    });
    expect(readdirSync(chosen)).toEqual([]);
    // A path is never taken from the page: the contract refuses one before anything runs.
    await expect(call('recordings:export', '/etc/passwd')).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
  });
});
