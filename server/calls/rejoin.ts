/**
 * Coming back to a meeting after a crash. A joined participant whose socket left is marked away
 * while the reconnect grace runs, and every device of theirs is rung into the call, again every
 * few seconds (an app that starts again is not listening the moment its socket connects), as
 * an invitation from someone in it. Taking it (call-join) binds the new socket with a new
 * joinedAt, which tells the others that the old connection is gone: they offer a new one. An app
 * whose socket merely reconnected resumes the call instead (call-resume, which ends "away") and
 * ignores the ring, its engine being busy with that very call.
 */
import { change, participantsView, withParticipant, type CallContext } from './call-rules.ts';
import { joinedOf, participantOf, speaksIn, type CallRecord } from './registry.ts';

/** How often an away participant's devices are rung to rejoin. */
export const RERING_MS = 3_000;

export const reringJob = (callId: string, userId: string): string => `rering:${callId}:${userId}`;

/** The socket that spoke for `gone.userId` left: they are away until they resume or rejoin. */
export async function markAway(
  ctx: CallContext,
  call: CallRecord,
  gone: { userId: string; socketId: string },
): Promise<void> {
  const result = await change(ctx, call, (c) =>
    speaksIn(c, gone.userId, gone.socketId) && participantOf(c, gone.userId)?.state === 'joined'
      ? withParticipant(c, gone.userId, { away: true })
      : undefined,
  );
  if (result && result !== 'busy') await ctx.timers.set(reringJob(call.id, gone.userId), 500);
}

/** Rings an away participant's devices into their call, and again later while they stay away. */
export async function ringToRejoin(
  ctx: CallContext,
  callId: string,
  userId: string,
): Promise<void> {
  const call = await ctx.registry.get(callId);
  const me = call && participantOf(call, userId);
  if (!call || !me?.away) return;
  const host = joinedOf(call).find((p) => p.userId !== userId && !p.away);
  if (!host) return;
  ctx.delivery.toUser(userId, 'call-invite', {
    from: host.userId,
    // The host may be a guest (not in the accounts store): named as the call names them.
    fromName: (await ctx.people.describe(host.userId)).displayName,
    callId: call.id,
    participants: await participantsView(ctx, call),
  });
  await ctx.timers.set(reringJob(callId, userId), RERING_MS);
}
