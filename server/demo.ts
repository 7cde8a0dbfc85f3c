/** Demo data for a first run: one circle, two advisors, random passwords printed once. */
import { randomBytes } from 'node:crypto';
import { hashPassword } from './auth/passwords.ts';
import type { AccountStore } from './storage/store.ts';

export interface DemoLogin {
  username: string;
  password: string;
  displayName: string;
}

/** Seeds only an empty database; returns null (and changes nothing) when users exist. */
export async function seedDemo(store: AccountStore): Promise<DemoLogin[] | null> {
  if ((await store.countUsers()) > 0) return null;
  const people = [
    { username: 'avery', displayName: 'Avery Advisor' },
    { username: 'blake', displayName: 'Blake Banker' },
  ];
  const logins: DemoLogin[] = [];
  for (const person of people) {
    const password = randomBytes(9).toString('base64url');
    await store.createUser({ ...person, passwordHash: await hashPassword(password) });
    logins.push({ ...person, password });
  }
  await store.createCircle('Demo Circle');
  for (const person of people) await store.addMember('Demo Circle', person.username);
  return logins;
}
