/**
 * IT's read-only policy file. Strict: an unknown key (a typo) or a bad value rejects the whole
 * file and the app says so in Settings — a half-valid policy is never half-applied, because IT
 * would then believe something is pinned that is not.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { iceServerSchema } from '../../shared/protocol/rest.ts';
import { recordingPolicySchema } from '../../shared/bridge/contract.ts';

export const policySchema = z
  .object({
    serverUrl: z.url({ protocol: /^https?$/ }),
    iceServers: z.array(iceServerSchema).max(16),
    iceTransportPolicy: z.enum(['all', 'relay']),
    recording: recordingPolicySchema,
    recordingsFolder: z.string().refine(isAbsolute, 'must be an absolute path'),
    autoUpdate: z.boolean(),
    updateChannel: z.string().regex(/^[a-z0-9-]{1,32}$/),
  })
  .partial()
  .strict();
export type Policy = z.infer<typeof policySchema>;

export interface LoadedPolicy {
  policy: Policy;
  /** Plain words for Settings, or null. */
  error: string | null;
}

/** Where IT puts the policy on each OS; RICHESREACH_POLICY_FILE overrides it (tests, pilots). */
export function policyFilePath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (env.RICHESREACH_POLICY_FILE) return env.RICHESREACH_POLICY_FILE;
  if (platform === 'win32') {
    return join(env.ProgramData ?? 'C:\\ProgramData', 'RichesReach Advisor', 'policy.json');
  }
  if (platform === 'darwin') return '/Library/Application Support/RichesReach Advisor/policy.json';
  return '/etc/richesreach-advisor/policy.json';
}

export function loadPolicy(file: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { policy: {}, error: null };
    return {
      policy: {},
      error: `The IT policy file ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); none of it is applied.`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      policy: {},
      error: `The IT policy file ${file} is not valid JSON; none of it is applied.`,
    };
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where =
      issue?.path.join('.') ||
      (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'file');
    return {
      policy: {},
      error: `The IT policy file ${file} has a problem at "${where}": ${issue?.message ?? 'invalid'}. None of it is applied.`,
    };
  }
  return { policy: parsed.data, error: null };
}
