/**
 * ICE candidates that arrive before their offer. A mobile client on an independent WebRTC stack
 * sends its first candidates just before its call-offer reaches the server (the original relay
 * forwarded them blindly), so a candidate naming a call id nobody has made yet is held here for a
 * few seconds and handed to the callee right after that socket's offer makes the call. Kept in
 * this node's memory: a socket lives on one node, and so does whatever it sent. Bounded per socket
 * and overall, so holding cannot be turned into a way to fill the server's memory.
 */
import type { IceCandidate } from '../../shared/protocol/signaling.ts';

/** What a seed client's candidates are held under: it names no call, so "its next call". */
export const SEED_NEXT_CALL = '';

interface Held {
  callId: string;
  to: string;
  candidate: IceCandidate;
  until: number;
}

export interface HeldCandidates {
  /** Holds one; false when this socket or the node holds as many as allowed. */
  hold(socketId: string, callId: string, to: string, candidate: IceCandidate): boolean;
  /** The live ones this socket sent for `callId` to `to`, oldest first; forgets all it held for the call. */
  take(socketId: string, callId: string, to: string): IceCandidate[];
  /** The socket left: whatever it held goes. */
  drop(socketId: string): void;
}

export function createHeldCandidates(
  options: { ttlMs?: number; perSocket?: number; total?: number; now?: () => number } = {},
): HeldCandidates {
  const { ttlMs = 5_000, perSocket = 32, total = 512, now = Date.now } = options;
  const bySocket = new Map<string, Held[]>();
  let count = 0;

  /** Keeps only what is still live (or, with `callId`, also not for that call). */
  const prune = (socketId: string, callId?: string): Held[] => {
    const list = bySocket.get(socketId) ?? [];
    const at = now();
    const kept = list.filter((h) => h.until > at && h.callId !== callId);
    count -= list.length - kept.length;
    if (kept.length === 0) bySocket.delete(socketId);
    else bySocket.set(socketId, kept);
    return kept;
  };

  return {
    hold(socketId, callId, to, candidate) {
      const mine = prune(socketId);
      if (count >= total) for (const id of [...bySocket.keys()]) prune(id);
      if (mine.length >= perSocket || count >= total) return false;
      bySocket.set(socketId, [...mine, { callId, to, candidate, until: now() + ttlMs }]);
      count++;
      return true;
    },
    take(socketId, callId, to) {
      const at = now();
      const mine = (bySocket.get(socketId) ?? []).filter((h) => h.callId === callId);
      prune(socketId, callId);
      return mine.filter((h) => h.to === to && h.until > at).map((h) => h.candidate);
    },
    drop(socketId) {
      count -= bySocket.get(socketId)?.length ?? 0;
      bySocket.delete(socketId);
    },
  };
}
