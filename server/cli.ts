/** `npm run server -- [options]`: starts the signaling + auth server. */
import { loadSigningKey } from './auth/signing-key.ts';
import { createServer } from './app.ts';
import { ConfigError, USAGE, parseServerConfig } from './config.ts';
import { seedDemo } from './demo.ts';
import { createLogger, silentLogger } from './log.ts';
import { openSqliteStore } from './storage/sqlite-store.ts';

async function main(): Promise<void> {
  const config = parseServerConfig(process.argv.slice(2));
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  const store = openSqliteStore(config.dataDir);
  if (config.demo) {
    const logins = await seedDemo(store);
    if (logins) {
      console.log('Demo data added (circle "Demo Circle"). Sign in with:');
      for (const login of logins) {
        console.log(
          `  ${login.displayName}: username ${login.username}  password ${login.password}`,
        );
      }
    } else {
      console.log('--demo: the database has users already; no demo data added.');
    }
  }
  const server = createServer({
    config,
    store,
    signingKey: loadSigningKey(config.dataDir),
    log: config.logEvents ? createLogger() : silentLogger,
  });
  const url = await server.listen();
  console.log(`RichesReach Advisor server listening on ${url} (data: ${config.dataDir})`);

  const stop = (): void => {
    void server.close().then(() => {
      store.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `Server failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
