/** `npm run server -- [options]`: starts the signaling + auth server. */
import { ConfigError, USAGE, parseServerConfig } from './config.ts';
import { seedDemo } from './demo.ts';
import { startNode } from './node.ts';
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
  const node = await startNode(config, store);
  const shared = config.redis ? ', sharing calls with other nodes through Redis' : '';
  console.log(
    `RichesReach Advisor server listening on ${node.url} (data: ${config.dataDir}${shared})`,
  );

  const stop = (): void => {
    void node.stop().then(() => {
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
