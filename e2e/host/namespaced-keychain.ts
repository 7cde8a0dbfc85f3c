/**
 * Several advisors run in one test process, but each real app has its own OS user keychain.
 * Prefixing the service name per advisor keeps them apart in the one real gnome-keyring.
 */
import type { Keychain } from '../../main/auth/keychain.ts';

export function namespacedKeychain(keychain: Keychain, namespace: string): Keychain {
  const service = (name: string) => `${name} [test advisor ${namespace}]`;
  return {
    getPassword: (name, account) => keychain.getPassword(service(name), account),
    setPassword: (name, account, password) =>
      keychain.setPassword(service(name), account, password),
    deletePassword: (name, account) => keychain.deletePassword(service(name), account),
    findCredentials: (name) => keychain.findCredentials(service(name)),
  };
}
