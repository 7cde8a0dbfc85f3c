/**
 * `app:copy-diagnostics` (the Settings button) and Help > Copy diagnostics: main gathers the
 * report's facts itself and puts the text on the clipboard. The renderer only asks; it never
 * receives the report.
 */
import { arch, release } from 'node:os';
import type { ConnectionState } from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { WriteClipboard } from '../clipboard/register-clipboard.ts';
import type { Router } from '../ipc/router.ts';
import type { MainLog } from '../log/main-log.ts';
import type { LoadedPolicy } from '../settings/policy.ts';
import { buildDiagnostics, type DiagnosticsInput } from './diagnostics.ts';

/** How many of the latest errors from the log the report carries. */
export const RECENT_ERRORS = 10;

export interface DiagnosticsDeps {
  appName?: string;
  appVersion: string;
  packaged?: boolean;
  runtime?: DiagnosticsInput['runtime'];
  os?: DiagnosticsInput['os'];
  policyFile: string;
  policy: LoadedPolicy;
  serverUrl: () => string;
  connection: () => ConnectionState;
  log?: Pick<MainLog, 'recentErrors' | 'path'>;
  writeClipboard: WriteClipboard;
  now?: () => Date;
}

export interface Diagnostics {
  report(): Promise<string>;
  /** Puts the report on the clipboard; rejects with a sentence the advisor can act on. */
  copy(): Promise<void>;
}

export function createDiagnostics(deps: DiagnosticsDeps): Diagnostics {
  const report = async () =>
    buildDiagnostics({
      generatedAt: (deps.now ?? (() => new Date()))(),
      app: {
        name: deps.appName ?? 'RichesReach Advisor',
        version: deps.appVersion,
        packaged: deps.packaged ?? false,
      },
      runtime: deps.runtime ?? {
        electron: process.versions.electron,
        chrome: process.versions.chrome,
        node: process.versions.node,
      },
      os: deps.os ?? { platform: process.platform, release: release(), arch: arch() },
      policy: {
        file: deps.policyFile,
        // A policy with an error is not applied at all (main/settings/settings.ts).
        values: deps.policy.error === null ? deps.policy.policy : {},
        error: deps.policy.error,
      },
      serverUrl: deps.serverUrl(),
      connection: deps.connection(),
      logFile: deps.log?.path ?? null,
      recentErrors: (await deps.log?.recentErrors(RECENT_ERRORS)) ?? [],
    });
  return {
    report,
    async copy() {
      const text = await report();
      try {
        await deps.writeClipboard(text);
      } catch {
        throw new BridgeFailure(
          'internal',
          'The diagnostics could not be put on the clipboard. Try again in a moment.',
        );
      }
    },
  };
}

export function registerDiagnostics(router: Router, diagnostics: Diagnostics): void {
  router.handle('app:copy-diagnostics', async () => {
    await diagnostics.copy();
    return null;
  });
}
