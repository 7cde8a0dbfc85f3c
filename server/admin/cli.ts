/** `npm run admin -- --data <dir> <command>`: accounts, circles and the server's records, for IT. */
import { createAuditTrail } from '../audit/audit-trail.ts';
import { openSqliteAuditStore } from '../audit/sqlite-audit-store.ts';
import { createLogger } from '../log.ts';
import { openSqliteStore } from '../storage/sqlite-store.ts';
import { ADMIN_USAGE, AdminError, parseAdminArgs, runAdmin } from './commands.ts';
import { isRecordsCommand, runRecordsCommand } from './records-commands.ts';

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
  const auditStore = openSqliteAuditStore(values.data);
  try {
    const output = isRecordsCommand(positionals[0])
      ? await runRecordsCommand(
          { audit: auditStore, dataDir: values.data, stdout: process.stdout },
          positionals,
          values,
        )
      : await runAdmin(store, positionals, values, createAuditTrail(auditStore, createLogger()));
    if (output !== undefined) console.log(output);
    return 0;
  } catch (error) {
    if (error instanceof AdminError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    auditStore.close();
    store.close();
  }
}

process.exitCode = await main();
