/** `npm run server -- [options]`: starts the signaling + auth server. */
import { ConfigError, USAGE, parseServerConfig } from './config.ts';
import { seedDemo } from './demo.ts';
import { openNodeDatabase, startNode } from './node.ts';

async function main(): Promise<void> {
  const config = parseServerConfig(process.argv.slice(2));
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  const database = await openNodeDatabase(config);
  if (config.demo) {
    const logins = await seedDemo(database.accounts);
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
  const node = await startNode(config, database).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const shared = config.redis ? ', sharing calls with other nodes through Redis' : '';
  console.log(
    `RichesReach Advisor server listening on ${node.url} (${database.description}${shared})`,
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
