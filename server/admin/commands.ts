/**
 * The admin CLI's commands, as a function of argv and a store, so tests run them in-process too.
 * Every change is appended to the audit trail as done by 'admin-cli' (never a password).
 */
import { parseArgs } from 'node:util';
import { LIMITS } from '../../shared/protocol/limits.ts';
import { usernameSchema } from '../../shared/protocol/ids.ts';
import { ADMIN_ACTOR, type AuditFields, type AuditType } from '../audit/audit-record.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { hashPassword } from '../auth/passwords.ts';
import { runKeysCommand } from './keys-commands.ts';
import { StoreError, type AccountStore } from '../storage/store.ts';

export const ADMIN_USAGE = `Usage: npm run admin -- (--data <dir> | --database <url>) <command>
  user add <username> --password <pw> [--name "Display Name"]
  user passwd <username> --password <pw>
  user disable <username>
  user enable <username>
  circle add <circle-name>
  circle add-member <circle-name> <username>
  circle remove-member <circle-name> <username>
  list
  audit export [--from <date>] [--to <date>] [--format jsonl|csv] [--out <file>]
  audit verify
  recordings receipt-key
  keys rotate            a new token signing key (the one it replaces stays accepted 4 h 5 min)
  keys list
--database postgres://… (or RR_DATABASE_URL; --database-ca <file> for its TLS) names the
PostgreSQL database the nodes share; without it, --data names the SQLite data folder.
Dates are UTC: 2025-01-31 (a --to date includes that whole day) or 2025-01-31T09:30:00Z.`;

export class AdminError extends Error {}

function checkPassword(password: string | undefined): string {
  if (!password) throw new AdminError('--password is required.');
  if (password.length < LIMITS.minPasswordChars || password.length > LIMITS.passwordChars) {
    throw new AdminError(
      `Passwords are ${LIMITS.minPasswordChars} to ${LIMITS.passwordChars} characters long.`,
    );
  }
  return password;
}

function checkUsername(username: string | undefined): string {
  const result = usernameSchema.safeParse(username);
  if (!result.success) {
    throw new AdminError(`Invalid username: ${result.error.issues[0]?.message ?? 'missing'}.`);
  }
  return result.data;
}

function checkCircle(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed || trimmed.length > LIMITS.circleNameChars) {
    throw new AdminError(`A circle name is 1 to ${LIMITS.circleNameChars} characters.`);
  }
  return trimmed;
}

/** Parses the data folder or database out of argv: the CLI opens it before running the command. */
export function parseAdminArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      'database-ca': { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  return { values, positionals };
}

/** Runs one command; returns what to print. Throws AdminError for a user mistake. */
export async function runAdmin(
  store: AccountStore,
  positionals: string[],
  options: { password?: string | undefined; name?: string | undefined },
  audit: AuditTrail,
): Promise<string> {
  const [noun, verb, a, b] = positionals;
  const done = async (type: AuditType, fields: AuditFields, message: string) => {
    try {
      await audit.append(type, ADMIN_ACTOR, fields);
    } catch (error) {
      throw new AdminError(
        `${message} But it could not be written to the audit trail: ${(error as Error).message}`,
      );
    }
    return message;
  };
  const key = noun === 'list' ? 'list' : `${noun ?? ''} ${verb ?? ''}`;
  try {
    switch (key) {
      case 'user add': {
        const username = checkUsername(a);
        const displayName = (options.name ?? username).trim();
        if (!displayName || displayName.length > LIMITS.displayNameChars) {
          throw new AdminError(`A display name is 1 to ${LIMITS.displayNameChars} characters.`);
        }
        const passwordHash = await hashPassword(checkPassword(options.password));
        const user = await store.createUser({ username, displayName, passwordHash });
        return await done(
          'admin.user-added',
          { userId: user.id, username, displayName },
          `Added user ${user.username} (${user.displayName}), id ${user.id}.`,
        );
      }
      case 'user passwd': {
        const username = checkUsername(a);
        await store.setPasswordHash(username, await hashPassword(checkPassword(options.password)));
        const user = await store.userByUsername(username);
        if (user) await store.revokeUserTokens(user.id, Date.now());
        return await done(
          'admin.password-changed',
          { userId: user?.id ?? null, username },
          `Password of ${username} changed; their sessions are signed out.`,
        );
      }
      case 'user disable':
      case 'user enable': {
        const username = checkUsername(a);
        const disabled = verb === 'disable';
        await store.setDisabled(username, disabled);
        const user = await store.userByUsername(username);
        if (disabled && user) await store.revokeUserTokens(user.id, Date.now());
        return await done(
          disabled ? 'admin.user-disabled' : 'admin.user-enabled',
          { userId: user?.id ?? null, username },
          `User ${username} ${disabled ? 'disabled; their sessions are signed out' : 'enabled'}.`,
        );
      }
      case 'circle add': {
        const circle = await store.createCircle(checkCircle(a));
        return await done(
          'admin.circle-added',
          { circleId: circle.id, circle: circle.name },
          `Added circle "${circle.name}".`,
        );
      }
      case 'circle add-member': {
        const [circle, username] = [checkCircle(a), checkUsername(b)];
        await store.addMember(circle, username);
        return await done(
          'admin.circle-member-added',
          { circle, username, userId: (await store.userByUsername(username))?.id ?? null },
          `Added ${username} to "${circle}".`,
        );
      }
      case 'circle remove-member': {
        const [circle, username] = [checkCircle(a), checkUsername(b)];
        await store.removeMember(circle, username);
        return await done(
          'admin.circle-member-removed',
          { circle, username, userId: (await store.userByUsername(username))?.id ?? null },
          `Removed ${username} from "${circle}".`,
        );
      }
      case 'list': {
        const users = await store.listUsers();
        const circles = await store.listCircles();
        const lines = [`Users (${users.length}):`];
        for (const user of users) {
          lines.push(
            `  ${user.username}  ${user.displayName}${user.disabled ? '  [disabled]' : ''}`,
          );
        }
        lines.push(`Circles (${circles.length}):`);
        for (const circle of circles) {
          const members = circle.members.map((m) => m.username).join(', ') || '(no members)';
          lines.push(`  ${circle.name}: ${members}`);
        }
        return lines.join('\n');
      }
      case 'keys rotate':
      case 'keys list': {
        const { message, rotated } = await runKeysCommand(store, verb ?? '');
        return rotated ? await done('admin.key-rotated', rotated, message) : message;
      }
      default:
        throw new AdminError(`Unknown command "${positionals.join(' ')}".\n\n${ADMIN_USAGE}`);
    }
  } catch (error) {
    if (error instanceof StoreError) throw new AdminError(error.message);
    throw error;
  }
}
