/** The guests:* channels: the advisor's meeting links for clients (see guest-links.ts). */
import type { Router } from '../ipc/router.ts';
import type { GuestLinks } from './guest-links.ts';

export function registerGuests(router: Router, links: GuestLinks): void {
  router.handle('guests:create-link', () => links.create());
  router.handle('guests:list-links', () => links.list());
  router.handle('guests:revoke-link', (id) => links.revoke(id));
}
