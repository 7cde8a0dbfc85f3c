/**
 * The advisor's circles with live presence: fetched whenever the connection comes online, then
 * kept current by `presence` and `presence-snapshot` events. Presence of someone not in the list
 * means IT added them to a circle since the fetch: fetch again so they appear without a restart.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Circle } from '../../../shared/protocol/rest.ts';
import type { PresenceStatus } from '../../../shared/protocol/signaling.ts';
import { advisor } from '../../bridge.ts';

export interface CirclesState {
  circles: Circle[];
  loading: boolean;
  error: string | null;
}

export function useCircles(online: boolean): CirclesState {
  const [fetched, setFetched] = useState<Circle[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Presence heard since the last fetch began: at least as new as what the fetch returns.
  const [presence, setPresence] = useState<ReadonlyMap<string, PresenceStatus>>(new Map());
  // Bumped to fetch again. `known` (a ref, so the event handler needs no resubscribing) holds the
  // fetched members and everyone already fetched for once, so a stray id cannot loop fetches.
  const [generation, setGeneration] = useState(0);
  const known = useRef(new Set<string>());

  useEffect(() => {
    const apply = (updates: readonly { userId: string; status: PresenceStatus }[]) => {
      setPresence((current) => {
        const next = new Map(current);
        for (const { userId, status } of updates) next.set(userId, status);
        return next;
      });
    };
    const applyAndRefresh = (updates: readonly { userId: string; status: PresenceStatus }[]) => {
      apply(updates);
      const strangers = updates.filter(({ userId }) => !known.current.has(userId));
      if (strangers.length === 0) return;
      for (const { userId } of strangers) known.current.add(userId);
      setGeneration((n) => n + 1);
    };
    return advisor.on('signal:event', (signal) => {
      if (signal.event === 'presence') applyAndRefresh([signal.payload]);
      else if (signal.event === 'presence-snapshot') applyAndRefresh(signal.payload.users);
    });
  }, []);

  useEffect(() => {
    if (!online) return;
    let cancelled = false;
    setPresence(new Map());
    setLoading(true);
    void advisor.directory.circles().then((result) => {
      if (cancelled) return;
      setLoading(false);
      if (result.ok) {
        for (const circle of result.value.circles) {
          for (const member of circle.members) known.current.add(member.id);
        }
        setFetched(result.value.circles);
        setError(null);
      } else {
        setError(`Your circles could not be loaded: ${result.error.message}`);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [online, generation]);

  const circles = useMemo(
    () =>
      fetched.map((circle) => ({
        ...circle,
        members: circle.members.map((member) => {
          const status = presence.get(member.id);
          return status && status !== member.status ? { ...member, status } : member;
        }),
      })),
    [fetched, presence],
  );
  return { circles, loading, error };
}
