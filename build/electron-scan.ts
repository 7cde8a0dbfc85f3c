/**
 * `npm run scan:electron`: Doyensec's Electronegativity over the code that runs in Electron (main/
 * and preload/, without tests and test helpers, which never ship). Fails on any high or medium
 * finding that is not in REVIEWED, and on any file the scanner could not parse (a file it skips
 * is a file it did not check).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Finding {
  id: string;
  /** Relative to the scanned tree, e.g. main/shell/window.ts ("N/A" for whole-app checks). */
  file: string;
  line: number;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  confidence: 'CERTAIN' | 'FIRM' | 'TENTATIVE';
  /** The source line the finding points at, trimmed. */
  sample: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Files the scanner could not parse, with its message. */
  errors: { file: string; message: string }[];
}

/**
 * Findings a person has reviewed and judged safe, each tied to the exact line it points at, so a
 * changed or new call is flagged again. Electronegativity marks all three "review required".
 */
export const REVIEWED: readonly { id: string; file: string; sample: string; why: string }[] = [
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/shell/navigation.ts',
    sample: 'await shell.openExternal(parsed.href);',
    why: 'openExternalSafely parses the URL first and opens only https: without user name or password.',
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/media/screen-sources.ts',
    sample: 'if (isMac) await deps.shell.openExternal(MAC_SCREEN_SETTINGS);',
    why: 'MAC_SCREEN_SETTINGS is a constant x-apple.systempreferences: URL; nothing from the page reaches it.',
  },
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'main/shell/window.ts',
    sample: 'preload: options.preloadPath,',
    why: 'Our own sandboxed preload: named bridge functions only, never ipcRenderer (preload/index.test.ts).',
  },
];

const BLOCKING = new Set(['HIGH', 'MEDIUM']);

export const isReviewed = (finding: Finding): boolean =>
  REVIEWED.some(
    (r) => r.id === finding.id && r.file === finding.file && r.sample === finding.sample,
  );

/** High and medium findings nobody has reviewed: what fails the scan. */
export const blocking = (result: ScanResult): Finding[] =>
  result.findings.filter((f) => BLOCKING.has(f.severity) && !isReviewed(f));

/** What ships to Electron: sources of main/ and preload/, and package.json (the Electron version). */
export async function stageSources(root: string, into: string): Promise<void> {
  const shipped = (source: string) =>
    !/\.test\.tsx?$/.test(source) && !/[\\/]testing([\\/]|$)/.test(source);
  for (const folder of ['main', 'preload']) {
    await cp(join(root, folder), join(into, folder), { recursive: true, filter: shipped });
  }
  await cp(join(root, 'package.json'), join(into, 'package.json'));
}

interface RawIssue {
  id: string;
  file: string;
  sample?: string;
  location: { line: number };
  severity: { name: Finding['severity'] };
  confidence: { name: Finding['confidence'] };
}
type Run = (options: Record<string, unknown>) => Promise<{
  issues: RawIssue[];
  errors: { file: string; message: string; tolerable: boolean }[];
}>;

/**
 * Electronegativity's runner, offline: at start it fetches translations from S3 (we answer as a
 * server without them would, so the bundled English is used), and its security-fixes check
 * fetches Electron's release list from GitHub (excluded: it reviews the Electron version, not our code).
 */
function loadRunner(): Run {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const fromI18n = createRequire(join(pkg, 'dist', 'locales', 'i18n.js'));
  const gotPath = fromI18n.resolve('got');
  const offline = () => Promise.resolve({ statusCode: 404, body: '' });
  fromI18n.cache[gotPath] ??= {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports: Object.assign(offline, { default: offline }),
  } as unknown as NodeJS.Module;
  return require(pkg) as Run;
}

/** Scans a staged tree (see stageSources). */
export async function scanTree(dir: string): Promise<ScanResult> {
  const result = await loadRunner()({
    input: dir,
    isRelative: true,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    parserPlugins: [],
  });
  return {
    findings: result.issues.map((issue) => ({
      id: issue.id,
      file: issue.file.replaceAll('\\', '/'),
      line: issue.location.line,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      sample: issue.sample ?? '',
    })),
    errors: result.errors.map(({ file, message }) => ({ file: relative(dir, file), message })),
  };
}

/** Stages this repo's Electron sources in a temp folder and scans them. */
export async function scanElectron(root = ROOT): Promise<ScanResult> {
  const staging = await mkdtemp(join(tmpdir(), 'rr-electron-scan-'));
  try {
    await stageSources(root, staging);
    return await scanTree(staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

const describeFinding = (f: Finding) =>
  `${f.severity} ${f.id} ${f.file}:${f.line} ${f.sample}`.trimEnd();

async function main(): Promise<void> {
  const result = await scanElectron();
  const failing = blocking(result);
  for (const f of result.findings) {
    const tag = failing.includes(f) ? 'FAIL' : isReviewed(f) ? 'reviewed' : 'note';
    console.log(`[${tag}] ${describeFinding(f)}`);
  }
  for (const e of result.errors) console.log(`[FAIL] could not parse ${e.file}: ${e.message}`);
  if (failing.length > 0 || result.errors.length > 0) {
    console.error(
      `Electronegativity: ${failing.length} high/medium finding(s) not reviewed, ${result.errors.length} file(s) not parsed.`,
    );
    process.exitCode = 1;
  } else {
    console.log('Electronegativity: no high or medium finding left unreviewed.');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
