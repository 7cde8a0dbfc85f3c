/**
 * `npm start`: the guest page built, the local server with demo logins on 127.0.0.1:3001, then `electron-forge start` with
 * RICHESREACH_DEV_SERVER_URL pointing the app at it; the server stops when Forge exits. Without the
 * Electron binary it says so in one line and exits 1 before starting anything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'vite';
import { findElectronBinary } from './electron-binary.ts';

const root = resolve(import.meta.dirname, '..');
const PORT = 3001;
const SERVER_URL = `http://127.0.0.1:${PORT}`;

/** Resolves once the server prints its listening line; rejects if it exits first. */
function startServer(): Promise<ChildProcess> {
  const server = spawn(
    process.execPath,
    [
      '--max-semi-space-size=8',
      'server/cli.ts',
      '--demo',
      '--port',
      String(PORT),
      '--data',
      join(root, '.dev-data'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      console.log(line);
      if (line.includes('listening on')) resolvePromise(server);
    });
    server.once('exit', (code) => {
      reject(new Error(`The dev server exited (code ${code ?? 'none'}) before it was listening.`));
    });
  });
}

function startForge(): ChildProcess {
  const require = createRequire(import.meta.url);
  const cliDir = dirname(require.resolve('@electron-forge/cli/package.json'));
  return spawn(process.execPath, [join(cliDir, 'dist', 'electron-forge.js'), 'start'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RICHESREACH_DEV_SERVER_URL: SERVER_URL },
  });
}

async function main(): Promise<void> {
  const binary = findElectronBinary({
    electronDir: join(root, 'node_modules', 'electron'),
    overrideDistPath: process.env.ELECTRON_OVERRIDE_DIST_PATH,
    exists: existsSync,
    readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
  });
  if (!binary.ok) {
    console.error(binary.message);
    process.exitCode = 1;
    return;
  }

  // The server serves the guest page (meeting links) from its build.
  await build({ configFile: join(root, 'vite.guest.config.ts'), logLevel: 'warn' });
  const server = await startServer();
  const forge = startForge();
  // Ctrl+C reaches every process in the terminal's group; stay alive until Forge has exited.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => forge.kill('SIGTERM'));
  forge.once('exit', (code) => {
    server.kill('SIGTERM');
    process.exitCode = code ?? 1;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
