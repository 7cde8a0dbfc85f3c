/**
 * `npm run admin -- (--data <dir> | --database <url>) <command>`: accounts, circles, keys and the
 * server's records, for IT. The same database options as the server's (config-accounts.ts).
 */
import { createAuditTrail } from '../audit/audit-trail.ts';
import { ConfigError } from '../config-options.ts';
import { parseAccountsConfig } from '../config-accounts.ts';
import { createLogger } from '../log.ts';
import { openDatabase } from '../storage/database.ts';
import { ADMIN_USAGE, AdminError, parseAdminArgs, runAdmin } from './commands.ts';
import { isRecordsCommand, runRecordsCommand } from './records-commands.ts';

async function main(): Promise<number> {
  let parsed;
  let url;
  try {
    parsed = parseAdminArgs(process.argv.slice(2));
    ({ databaseUrl: url } = parseAccountsConfig(parsed.values, process.env));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(ADMIN_USAGE);
    return values.help ? 0 : 2;
  }
  if (!values.data && url === undefined) {
    console.error(
      "--data <dir> is required: the server's data folder (or --database <url>, its PostgreSQL database).",
    );
    return 2;
  }
  let database;
  try {
    // A small pool: the CLI runs one command.
    database = await openDatabase({ dataDir: values.data ?? '', url, poolSize: 2 });
  } catch (error) {
    console.error(`The database could not be opened: ${(error as Error).message}`);
    return 1;
  }
  try {
    const output = isRecordsCommand(positionals[0])
      ? await runRecordsCommand(
          { audit: database.audit, accounts: database.accounts, stdout: process.stdout },
          positionals,
          values,
        )
      : await runAdmin(
          database.accounts,
          positionals,
          values,
          createAuditTrail(database.audit, createLogger()),
        );
    if (output !== undefined) console.log(output);
    return 0;
  } catch (error) {
    if (error instanceof AdminError || error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
