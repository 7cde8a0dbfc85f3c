/** `npm run admin -- --data <dir> <command>`: account and circle management for IT. */
import { openSqliteStore } from '../storage/sqlite-store.ts';
import { ADMIN_USAGE, AdminError, parseAdminArgs, runAdmin } from './commands.ts';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseAdminArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(ADMIN_USAGE);
    return values.help ? 0 : 2;
  }
  if (!values.data) {
    console.error("--data <dir> is required: the server's data folder.");
    return 2;
  }
  const store = openSqliteStore(values.data);
  try {
    console.log(await runAdmin(store, positionals, values));
    return 0;
  } catch (error) {
    if (error instanceof AdminError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

process.exitCode = await main();
