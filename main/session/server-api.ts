/**
 * Calls to the firm's server REST API, with failures turned into bridge errors in plain words.
 * Never logs or returns request bodies (they hold passwords and tokens).
 */
import type { z } from 'zod';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { apiErrorSchema } from '../../shared/protocol/rest.ts';
import { describeConnectionFailure, PROXY_SIGN_IN_NEEDED } from '../net/connection-errors.ts';

export type Fetch = typeof fetch;

/** The server answered, and refused: its HTTP status, for callers that word some of them. */
export class ServerRefusal extends BridgeFailure {
  readonly status: number;
  constructor(code: BridgeFailure['code'], message: string, status: number) {
    super(code, message);
    this.status = status;
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function callServer<T>(
  fetchImpl: Fetch,
  serverUrl: string,
  path: string,
  schema: z.ZodType<T>,
  init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown; token?: string } = {},
): Promise<T> {
  const url = new URL(path, serverUrl);
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    // An untrusted certificate or a proxy wanting a sign-in needs IT, not a retry: say which.
    throw new BridgeFailure(
      'server-unreachable',
      describeConnectionFailure(error) ??
        `Cannot reach the server at ${url.origin}. Check the address and your network connection.`,
    );
  }
  // The proxy answered, not the server: it wants a sign-in that was cancelled or refused.
  if (response.status === 407) throw new BridgeFailure('server-unreachable', PROXY_SIGN_IN_NEEDED);
  let json: unknown = null;
  try {
    // 204 (a DELETE done) has no body to read.
    if (response.status !== 204) json = await response.json();
  } catch {
    throw new ServerRefusal(
      'server-error',
      `The server at ${url.origin} did not answer as expected (HTTP ${response.status}). Is this the RichesReach Advisor server?`,
      response.status,
    );
  }
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(json);
    const code = parsed.success ? parsed.data.error.code : '';
    const message = parsed.success ? parsed.data.error.message : `HTTP ${response.status}`;
    throw new ServerRefusal(errorCodeFor(response.status, code), message, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new BridgeFailure(
      'server-error',
      `The server at ${url.origin} sent an answer this app does not understand; it may need updating.`,
    );
  }
  return parsed.data;
}

function errorCodeFor(status: number, code: string): BridgeFailure['code'] {
  if (code === 'bad-credentials') return 'bad-credentials';
  if (code === 'account-disabled') return 'account-disabled';
  if (status === 429) return 'rate-limited';
  if (status === 401) return 'session-expired';
  return 'server-error';
}
