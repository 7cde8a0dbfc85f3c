/**
 * The Invite a client dialog's data: the link just made (its full address, to copy), the
 * advisor's active links (to revoke), and the last problem in plain words. Everything goes
 * through main, which holds the access token; the page never sees it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CreatedLink } from '../../../shared/bridge/contract.ts';
import type { GuestLink } from '../../../shared/protocol/guest.ts';
import { advisor } from '../../bridge.ts';

export interface GuestLinksState {
  /** The link made in this dialog, until revoked. */
  current: CreatedLink | null;
  /** Every link of the advisor's that is neither expired nor revoked, oldest first. */
  links: GuestLink[];
  error: string | null;
  /** A link is being made. */
  making: boolean;
  /** The current link was put on the clipboard (and has not changed since). */
  copied: boolean;
  // Properties, not methods: the dialog takes them apart.
  create: () => Promise<void>;
  revoke: (id: string) => Promise<void>;
  copy: () => Promise<void>;
}

export function useGuestLinks(): GuestLinksState {
  const [current, setCurrent] = useState<CreatedLink | null>(null);
  const [links, setLinks] = useState<GuestLink[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [making, setMaking] = useState(false);
  const [copied, setCopied] = useState(false);

  const refresh = useCallback(async () => {
    const result = await advisor.guests.listLinks();
    if (result.ok) setLinks(result.value.links);
    else setError(result.error.message);
  }, []);

  const create = useCallback(async () => {
    setMaking(true);
    setError(null);
    const result = await advisor.guests.createLink();
    setMaking(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setCurrent(result.value);
    setCopied(false);
    await refresh();
  }, [refresh]);

  // One link per opening of the dialog (StrictMode runs effects twice; the ref stays).
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void create();
  }, [create]);

  return {
    current,
    links,
    error,
    making,
    copied,
    create,
    async revoke(id) {
      setError(null);
      const result = await advisor.guests.revokeLink(id);
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setLinks((before) => before.filter((link) => link.id !== id));
      setCurrent((shown) => (shown?.id === id ? null : shown));
    },
    async copy() {
      if (!current) return;
      const result = await advisor.clipboard.writeText(current.link);
      setCopied(result.ok);
      setError(result.ok ? null : result.error.message);
    },
  };
}
