import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDiagnostics, originOf, type DiagnosticsInput } from './diagnostics.ts';

const JWT = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"sub":"u_1"}').toString('base64url')}.${randomBytes(64).toString('base64url')}`;
const REFRESH = randomBytes(32).toString('base64url');
const TURN_PASSWORD = `turn-${randomBytes(12).toString('hex')}`;

const input = (overrides: Partial<DiagnosticsInput> = {}): DiagnosticsInput => ({
  generatedAt: new Date('2030-01-02T03:04:05.000Z'),
  app: { name: 'RichesReach Advisor', version: '1.4.2', packaged: true },
  runtime: { electron: '45.4.1', chrome: '142.0.7444.52', node: '22.20.0' },
  os: { platform: 'win32', release: '10.0.26100', arch: 'x64' },
  policy: {
    file: 'C:\\ProgramData\\RichesReach Advisor\\policy.json',
    values: {
      serverUrl: 'https://advisor.example.com/base?x=1',
      autoUpdate: false,
      recording: 'consent-required',
      iceServers: [
        { urls: ['turn:turn.example.com:3478'], username: 'it', credential: TURN_PASSWORD },
      ],
    },
    error: null,
  },
  serverUrl: `https://advisor.example.com/some/path?token=${REFRESH}`,
  connection: { status: 'reconnecting', attempt: 3, message: 'The server cannot be reached.' },
  logFile: 'C:\\Users\\avery\\AppData\\Roaming\\RichesReach Advisor\\logs\\main.log',
  recentErrors: [
    {
      time: '2030-01-02T03:00:00.000Z',
      level: 'error',
      event: 'signaling.connect-error',
      message: `bad token ${JWT}`,
    },
    {
      time: '2030-01-02T03:01:00.000Z',
      level: 'error',
      event: 'update.check-failed',
      accessToken: JWT,
    },
  ],
  ...overrides,
});

describe('diagnostics report', () => {
  it('holds the versions, OS, policy, server origin, connection state and recent errors', () => {
    const text = buildDiagnostics(input());
    expect(text).toBe(
      [
        'RichesReach Advisor diagnostics',
        'Generated: 2030-01-02T03:04:05.000Z',
        '',
        'App version: 1.4.2',
        'Electron: 45.4.1',
        'Chrome: 142.0.7444.52',
        'Node: 22.20.0',
        'OS: win32 10.0.26100 (x64)',
        '',
        'Policy file: C:\\ProgramData\\RichesReach Advisor\\policy.json',
        'Policy in force:',
        '  autoUpdate: false',
        '  iceServers: [{"urls":["turn:turn.example.com:3478"],"username":"it","credential":"[redacted]"}]',
        '  recording: "consent-required"',
        '  serverUrl: "https://advisor.example.com/base?x=1"',
        '',
        'Server: https://advisor.example.com',
        'Signaling: reconnecting, attempt 3, The server cannot be reached.',
        'Log file: C:\\Users\\avery\\AppData\\Roaming\\RichesReach Advisor\\logs\\main.log',
        '',
        'Recent errors (last 2):',
        '  2030-01-02T03:00:00.000Z signaling.connect-error message="bad token [redacted]"',
        '  2030-01-02T03:01:00.000Z update.check-failed accessToken=[redacted]',
        '',
      ].join('\n'),
    );
  });

  it('never carries a planted token, refresh token or TURN password', () => {
    const text = buildDiagnostics(input());
    for (const secret of [JWT, JWT.split('.')[1]!, JWT.split('.')[2]!, REFRESH, TURN_PASSWORD]) {
      expect(text).not.toContain(secret);
    }
  });

  it('says when there is no policy, a broken one, no errors and no Electron', () => {
    const text = buildDiagnostics(
      input({
        app: { name: 'RichesReach Advisor', version: '0.0.0-test', packaged: false },
        runtime: { node: '24.1.0' },
        policy: {
          file: '/etc/richesreach-advisor/policy.json',
          values: {},
          error: 'The IT policy file is not valid JSON.',
        },
        serverUrl: '',
        connection: { status: 'offline', attempt: 0, message: null },
        logFile: null,
        recentErrors: [],
      }),
    );
    expect(text).toContain('App version: 0.0.0-test (development build)');
    expect(text).toContain('Electron: not running in Electron');
    expect(text).toContain(
      'Policy problem: The IT policy file is not valid JSON.\nPolicy in force:\n  (none)',
    );
    expect(text).toContain('Server: not set');
    expect(text).toContain('Signaling: offline\n');
    expect(text).toContain('Log file: none (console only)');
    expect(text).toContain('Recent errors (last 0):\n  (none)');
  });

  it('keeps one long log entry from flooding the report', () => {
    const text = buildDiagnostics(
      input({
        recentErrors: [
          { time: 't', level: 'error', event: 'ipc.internal-error', error: 'x '.repeat(2_000) },
        ],
      }),
    );
    const line = text.split('\n').find((l) => l.includes('ipc.internal-error'))!;
    expect(line.length).toBeLessThan(320);
    expect(line.endsWith('…')).toBe(true);
  });

  it('shows a server address as its origin only', () => {
    expect(originOf('https://advisor.example.com:8443/a/b?c=d#e')).toBe(
      'https://advisor.example.com:8443',
    );
    expect(originOf('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
    expect(originOf('not a url')).toBe('not a valid address');
    expect(originOf('')).toBe('not set');
  });
});
