import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicy, policyFilePath, POLICY_FILE_ENV } from './policy.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-policy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function policyFile(contents: unknown): string {
  const file = join(dir, 'policy.json');
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
}

const fullPolicy = {
  serverUrl: 'https://advisor.firm.example',
  iceServers: [
    { urls: 'stun:stun.firm.example:3478' },
    {
      urls: ['turn:turn.firm.example:3478', 'turns:turn.firm.example:5349'],
      username: 'u',
      credential: 'c',
    },
  ],
  iceTransportPolicy: 'relay',
  recording: 'consent-required',
  recordingsFolder: '/srv/recordings',
  autoUpdate: false,
  updateChannel: 'stable',
  guestLinkMinutes: 60,
};

describe('policyFilePath', () => {
  it('is the per-OS location IT deploys to', () => {
    expect(policyFilePath('linux', {})).toBe('/etc/richesreach-advisor/policy.json');
    expect(policyFilePath('darwin', {})).toBe(
      '/Library/Application Support/RichesReach Advisor/policy.json',
    );
    expect(policyFilePath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\RichesReach Advisor\\policy.json',
    );
    expect(policyFilePath('win32', {})).toBe('C:\\ProgramData\\RichesReach Advisor\\policy.json');
  });

  it('ADVISOR_POLICY_FILE overrides it, except in a packaged app', () => {
    const env = { [POLICY_FILE_ENV]: '/tmp/test-policy.json', ProgramData: 'D:\\PD' };
    expect(POLICY_FILE_ENV).toBe('ADVISOR_POLICY_FILE');
    expect(policyFilePath('linux', env)).toBe('/tmp/test-policy.json');
    expect(policyFilePath('win32', env)).toBe('/tmp/test-policy.json');
    expect(policyFilePath('linux', env, { packaged: true })).toBe(
      '/etc/richesreach-advisor/policy.json',
    );
    expect(policyFilePath('linux', { [POLICY_FILE_ENV]: '' })).toBe(
      '/etc/richesreach-advisor/policy.json',
    );
  });
});

describe('loadPolicy', () => {
  it('a missing file is no policy and no error', () => {
    expect(loadPolicy(join(dir, 'absent.json'))).toEqual({ policy: {}, error: null });
  });

  it('reads every key of a valid policy (a byte order mark is fine)', () => {
    expect(loadPolicy(policyFile(fullPolicy))).toEqual({ policy: fullPolicy, error: null });
    expect(loadPolicy(policyFile(`\uFEFF${JSON.stringify({ autoUpdate: true })}`))).toEqual({
      policy: { autoUpdate: true },
      error: null,
    });
    expect(loadPolicy(policyFile({}))).toEqual({ policy: {}, error: null });
  });

  it.each([
    ['not JSON', '{ "autoUpdate": false,', /is not valid JSON/],
    ['a JSON array', '[]', /must hold a JSON object/],
    ['JSON null', 'null', /must hold a JSON object/],
    ['a wrong type', { ...fullPolicy, autoUpdate: 'no' }, /"autoUpdate"/],
    ['an unknown recording mode', { recording: 'sometimes' }, /"recording"/],
    [
      'a typo in a key',
      { ...fullPolicy, recordnig: 'disabled' },
      /"recordnig" is not a policy setting/,
    ],
    [
      'a typo inside an ICE server',
      { iceServers: [{ urls: 'stun:s.example', credentail: 'x' }] },
      /"iceServers\.0\.credentail"/,
    ],
    [
      'an ICE url that is not stun/turn',
      { iceServers: [{ urls: 'https://turn.example' }] },
      /"iceServers\.0\.urls"/,
    ],
    [
      'a relative recordings folder',
      { recordingsFolder: 'recordings' },
      /"recordingsFolder": must be an absolute path/,
    ],
    ['a server URL that is not http(s)', { serverUrl: 'ftp://advisor.example' }, /"serverUrl"/],
    ['a server URL with a password', { serverUrl: 'https://me:pw@advisor.example' }, /"serverUrl"/],
    ['an update channel that is a path', { updateChannel: '../../evil' }, /"updateChannel"/],
    [
      'a meeting link longer than the server allows',
      { guestLinkMinutes: 24 * 60 + 1 },
      /"guestLinkMinutes": must be at most 1440 minutes/,
    ],
    ['a meeting link of a few seconds', { guestLinkMinutes: 1 }, /"guestLinkMinutes"/],
    ['a meeting link of part minutes', { guestLinkMinutes: 30.5 }, /"guestLinkMinutes"/],
  ])('rejects %s as a whole, naming the file and the problem', (_, contents, problem) => {
    const file = policyFile(contents);
    const loaded = loadPolicy(file);
    expect(loaded.policy).toEqual({});
    expect(loaded.error).toMatch(problem);
    expect(loaded.error).toContain(file);
    expect(loaded.error).toContain('None of it is applied');
  });

  it('refuses an http:// server address as a whole, saying why', () => {
    const file = policyFile({ serverUrl: 'http://advisor.firm.example', autoUpdate: false });
    const loaded = loadPolicy(file);
    expect(loaded.policy).toEqual({});
    expect(loaded.error).toBe(
      `The IT policy file ${file} has an error: "serverUrl" must be an https:// address, because the connection to your firm's server must be encrypted. None of it is applied; ask your IT team to fix it.`,
    );
  });

  it('takes an http:// loopback server only in an unpackaged build', () => {
    const file = policyFile({ serverUrl: 'http://127.0.0.1:3001' });
    expect(loadPolicy(file, { allowLoopbackHttp: true }).error).toBeNull();
    expect(loadPolicy(file, { allowLoopbackHttp: false }).error).toMatch(
      /"serverUrl" must be an https:\/\/ address/,
    );
  });

  it('takes TURN over TLS on 443 (turns:, transport=tcp) for firewalls that pass only HTTPS', () => {
    const policy = {
      iceServers: [
        {
          urls: ['turns:turn.firm.example:443?transport=tcp', 'turn:turn.firm.example:3478'],
          username: 'u',
          credential: 'c',
        },
      ],
      iceTransportPolicy: 'relay',
    };
    expect(loadPolicy(policyFile(policy))).toEqual({ policy, error: null });
  });

  it('lists several problems, then how many more', () => {
    const loaded = loadPolicy(
      policyFile({ autoUpdate: 1, recording: 2, serverUrl: 3, updateChannel: 4, extra: 5 }),
    );
    expect(loaded.error).toMatch(/has errors: .*; .*; .*; and 2 more\./);
  });

  it('reports a policy path it cannot read as a file', () => {
    const folder = join(dir, 'policy.json');
    mkdirSync(folder);
    const loaded = loadPolicy(folder);
    expect(loaded).toEqual({ policy: {}, error: expect.stringContaining(folder) as string });
    expect(loaded.error).toMatch(/is a folder, not a file/);
  });
});
