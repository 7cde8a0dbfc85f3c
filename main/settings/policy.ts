/**
 * IT's read-only policy file: what it pins wins over the advisor's own settings. The schema is
 * strict, so a typo in a key is reported rather than quietly doing nothing.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, win32 } from 'node:path';
import { z } from 'zod';
import { isServerUrl, recordingPolicySchema } from '../../shared/bridge/contract.ts';
import { isMailAddress, isMailDomain } from '../archive/archive-addresses.ts';
import { GUEST_LINK_MAX_MINUTES, GUEST_LINK_MIN_MINUTES } from '../../shared/protocol/guest.ts';
import { iceServerSchema } from '../../shared/protocol/rest.ts';
import { insecureServerUrl, type ServerUrlRule } from './server-url-rule.ts';

const iceUrlSchema = z
  .string()
  .max(2_048)
  .regex(/^(stun|stuns|turn|turns):/i, 'must start with stun:, stuns:, turn: or turns:');

export const policySchema = z
  .object({
    serverUrl: z
      .string()
      .max(2_048)
      .refine(isServerUrl, 'must be an https:// address without a user name or password'),
    // Checked here so a bad TURN address is IT's error at start, not a failed call later. TURN
    // over TLS on 443 ("turns:host:443?transport=tcp") passes firewalls that allow only HTTPS.
    iceServers: z
      .array(
        iceServerSchema
          .extend({ urls: z.union([iceUrlSchema, z.array(iceUrlSchema).min(1).max(8)]) })
          .strict(),
      )
      .max(16),
    iceTransportPolicy: z.enum(['all', 'relay']),
    recording: recordingPolicySchema,
    recordingsFolder: z.string().max(4_096).refine(isAbsolute, 'must be an absolute path'),
    // false: no recording into a folder OneDrive, iCloud Drive, Dropbox or Google Drive syncs.
    allowCloudSyncedRecordings: z.boolean(),
    autoUpdate: z.boolean(),
    // electron-updater reads `<channel>.yml`, so only a plain name is accepted.
    // How long a meeting link for a client stays valid: shorter than the server's longest only.
    guestLinkMinutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(GUEST_LINK_MIN_MINUTES, `must be at least ${GUEST_LINK_MIN_MINUTES} minutes`)
      .max(GUEST_LINK_MAX_MINUTES, `must be at most ${GUEST_LINK_MAX_MINUTES} minutes (24 hours)`),
    updateChannel: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, 'must be a short name such as "stable" or "beta"'),
    // Export for archive: the journal message's To, and the domain of the advisor's From.
    archiveJournalAddress: z
      .string()
      .refine(isMailAddress, 'must be an e-mail address such as "journal@example-firm.com"'),
    archiveFromDomain: z
      .string()
      .refine(isMailDomain, 'must be a mail domain such as "example-firm.com"'),
  })
  .partial()
  .strict();
export type Policy = z.infer<typeof policySchema>;

export interface LoadedPolicy {
  policy: Policy;
  /** What is wrong with the policy file, in plain words; null when it is fine or absent. */
  error: string | null;
}

export const POLICY_FILE_ENV = 'ADVISOR_POLICY_FILE';

/**
 * Where IT puts the policy on each OS. The env var overrides it for tests and pilots, but not in
 * a packaged app: a user must not be able to point the app at a policy of their own.
 */
export function policyFilePath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  options: { packaged?: boolean } = {},
): string {
  const override = env[POLICY_FILE_ENV];
  if (override && !options.packaged) return override;
  if (platform === 'win32') {
    return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'RichesReach Advisor', 'policy.json');
  }
  if (platform === 'darwin') return '/Library/Application Support/RichesReach Advisor/policy.json';
  return '/etc/richesreach-advisor/policy.json';
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read (${code ?? 'unknown error'})`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${[...issue.path, key].join('.')}"`).join(', ');
    return `${keys} ${issue.keys.length === 1 ? 'is not a policy setting' : 'are not policy settings'} (check the spelling)`;
  }
  if (path === '') return 'the file must hold a JSON object';
  return `"${path}": ${issue.message}`;
}

/**
 * Reads the policy. A missing file is no policy and no error. A file that cannot be read, is not
 * JSON or breaks the schema is reported and none of it is applied: a half-valid policy is never
 * half-applied, because IT would then believe something is pinned that is not.
 */
export function loadPolicy(
  file: string,
  rule: ServerUrlRule = { allowLoopbackHttp: true },
): LoadedPolicy {
  const rejected = (problem: string): LoadedPolicy => ({
    policy: {},
    error: `The IT policy file ${file} ${problem}. None of it is applied; ask your IT team to fix it.`,
  });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { policy: {}, error: null };
    return rejected(readProblem(error));
  }
  let json: unknown;
  try {
    // Notepad saves UTF-8 with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return rejected(`is not valid JSON (${(error as Error).message})`);
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const shown = issues.slice(0, 3).map(describeIssue);
    if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
    return rejected(`has ${issues.length === 1 ? 'an error' : 'errors'}: ${shown.join('; ')}`);
  }
  const { serverUrl } = parsed.data;
  if (serverUrl !== undefined && insecureServerUrl(serverUrl, rule)) {
    return rejected(
      `has an error: "serverUrl" must be an https:// address, because the connection to your firm's server must be encrypted`,
    );
  }
  return { policy: parsed.data, error: null };
}
