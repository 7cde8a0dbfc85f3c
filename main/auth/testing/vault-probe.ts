/** Run in a child process with no D-Bus session: prints what the vault answers, as JSON. */
import keytar from 'keytar';
import { BridgeFailure } from '../../../shared/bridge/results.ts';
import { createKeychainVault } from '../vault.ts';

const vault = createKeychainVault(keytar);
const outcome = async (operation: () => Promise<unknown>) => {
  try {
    await operation();
    return { code: 'ok', message: '' };
  } catch (error) {
    return error instanceof BridgeFailure
      ? { code: error.code, message: error.message }
      : { code: 'unexpected', message: String(error) };
  }
};
const server = 'https://probe.example.test';
const write = await outcome(() =>
  vault.write(server, {
    accessToken: 'access-probe',
    refreshToken: 'refresh-probe',
    accessExpiresAt: 0,
    user: { id: 'p', username: 'probe', displayName: 'Probe' },
  }),
);
const read = await outcome(() => vault.read(server));
process.stdout.write(JSON.stringify({ write, read }));
