/**
 * The call engine, framework-free: calls of two and meetings of up to four, built from one
 * peer session per remote participant (meeting-peers.ts), one owner of my devices
 * (local-devices.ts) and of my shared screen (screen-share.ts), my recording
 * (engine-recording.ts), a signaling channel with an outbox (signaling-channel.ts), and a pure
 * reducer for the state React renders (call-state.ts). This file holds the commands.
 */
import type { MediaState } from '../../shared/protocol/signaling.ts';
import { inCall, joinedOthers } from './call-state.ts';
import { createEngineContext, type CallEngineOptions } from './engine-context.ts';
import { createGuestCommands } from './engine-guests.ts';
import { createRecordingControl } from './engine-recording.ts';
import { createSignalHandlers, type IncomingCall } from './engine-signals.ts';
import { createMeetingOffers } from './meeting-offers.ts';
import { ackProblem } from './ack-problem.ts';
import { describeMediaError } from './local-media.ts';
import { captureFor, sendQualityFor } from './send-quality.ts';
import { resumeAfterOutage } from './resume.ts';
import { createScreenShare } from './screen-share.ts';
import type { CallEngine, Peer } from './types.ts';

export type { CallEngineOptions } from './engine-context.ts';

export function createCallEngine(options: CallEngineOptions): CallEngine {
  const context = createEngineContext(options);
  const { bridge, dispatch, state, devices } = context;
  const recording = createRecordingControl(context);
  const screen = createScreenShare(context);
  const incoming: IncomingCall = { offer: null };
  const handlers = createSignalHandlers(context, recording, incoming, createMeetingOffers(context));

  const mediaState = (): MediaState => {
    const { local } = state();
    return { audio: !local.muted, video: !local.cameraOff, screen: local.sharing };
  };
  /** My camera and microphone, capturing what a call of `people` sends (send-quality.ts). */
  const openDevices = async (people = 2) => {
    const tracks = await devices.open(
      options.devices(),
      options.startMuted(),
      options.startWithCameraOff(),
      captureFor(sendQualityFor(people)),
    );
    dispatch({
      type: 'local',
      patch: {
        camera: tracks.stream,
        muted: options.startMuted(),
        cameraOff: !tracks.video?.enabled,
      },
    });
    return tracks;
  };
  const failWith = async (callId: string, error: unknown) => {
    if (!context.isCurrent(callId)) return;
    const message =
      error instanceof DOMException ? describeMediaError(error) : (error as Error).message;
    await context.end('failed', `The call failed: ${message}`);
  };

  const unsubscribeSignal = bridge.on('signal:event', (signal) => {
    const handler = handlers[signal.event] as
      ((payload: unknown) => Promise<void> | void) | undefined;
    void Promise.resolve(handler?.(signal.payload)).catch(() => undefined);
  });
  // After a signaling outage (even a server restart) tell the server this call goes on.
  const unsubscribeConnection = bridge.on('signal:connection', (connection) => {
    if (connection.status === 'online' && inCall(state()))
      void resumeAfterOutage(context, mediaState);
  });
  const onDeviceChange = () => {
    if (inCall(state())) void devices.followPlugged(options.devices());
  };
  navigator.mediaDevices.addEventListener('devicechange', onDeviceChange);

  /** The invitation or 1:1 answer could not be taken: the caller must not keep ringing. */
  async function refuseAfterFailure(inviter: string, callId: string, error: unknown) {
    void context.channel.send({ event: 'call-decline', payload: { to: inviter, callId } });
    await failWith(callId, error);
  }

  /**
   * Answers a call of two. My camera opens while WebRTC takes the offer and makes the answer
   * (which needs no track: the camera goes onto its transceiver once open); the answer leaves
   * only with the devices open, so a callee with neither camera nor microphone declines instead.
   */
  async function answerOffer(offer: RTCSessionDescriptionInit, from: Peer, callId: string) {
    const opened = openDevices();
    opened.catch(() => undefined); // its failure is the caller's (answer()), once
    const session = await context.openPeer(from.id, { beforeDevices: true });
    const answer = await session.onDescription(offer, false);
    const tracks = await opened;
    if (!context.isCurrent(callId)) {
      // The call ended while the camera opened: neither it nor the connection may stay on.
      context.peers.close(from.id);
      devices.close();
      return;
    }
    await context.peers.setLocalTracks(tracks);
    if (!answer) return;
    const ack = await context.channel.send({
      event: 'call-answer',
      payload: { to: from.id, callId, answer: answer as { type: 'answer'; sdp: string } },
    });
    if (!context.isCurrent(callId)) return;
    if (ack && !ack.ok && ack.error.code === 'not-in-call') {
      // Answered on another device a moment earlier.
      context.forget();
      return;
    }
    if (!ack?.ok) {
      await context.end(
        'failed',
        `The call failed: ${ack ? ack.error.message : 'the server could not be reached.'}`,
      );
      return;
    }
    void context.sendTo(from.id, 'media-state', { state: mediaState() });
  }

  /**
   * Joins and opens my camera at once. Those in the call offer to me once the server has my
   * join (meeting-offers.ts): their sessions are made as the offers come, before the camera is
   * open if need be, and get it here.
   */
  async function joinMeeting(from: Peer, callId: string) {
    // Everyone I was rung with, and me.
    const opened = openDevices(state().participants.length + 1);
    opened.catch(() => undefined); // its failure is handled below, once
    const ack = await context.channel.send({
      event: 'call-join',
      payload: { to: from.id, callId },
    });
    const failed = await opened.then(
      async (tracks) => {
        await context.peers.setLocalTracks(tracks);
        return null;
      },
      (error: unknown) => ({ error }),
    );
    // The call ended while the camera opened: it must not stay on.
    if (!context.isCurrent(callId)) {
      if (!failed) devices.close();
      return;
    }
    if (!ack?.ok) {
      await context.end(
        'failed',
        `Could not join: ${ack ? ack.error.message : 'the server could not be reached.'}`,
      );
      return;
    }
    if (failed) {
      // Joined with neither camera nor microphone: leave again, and say why.
      void context.sendTo(from.id, 'end-call', {});
      await failWith(callId, failed.error);
    }
  }

  const guests = createGuestCommands(context, {
    call: (peer) => engine.call(peer),
    invite: (peer) => engine.invite(peer),
  });

  const engine: CallEngine = {
    snapshot: state,
    subscribe: context.subscribe,

    async call(peer) {
      const s = state();
      if (s.phase !== 'idle' && s.phase !== 'ended') return;
      const callId = crypto.randomUUID();
      dispatch({ type: 'dial', callId, peer });
      try {
        await context.me();
        await openDevices();
        const session = await context.openPeer(peer.id);
        const offer = await session.offer();
        if (!context.isCurrent(callId)) return;
        const ack = await context.channel.send({
          event: 'call-offer',
          payload: { to: peer.id, callId, offer: offer as { type: 'offer'; sdp: string } },
        });
        const problem = ackProblem(ack);
        if (problem && context.isCurrent(callId) && state().phase === 'outgoing')
          await context.end(problem.kind, problem.message);
      } catch (error) {
        await failWith(callId, error);
      }
    },

    async invite(peer) {
      const s = state();
      if (!inCall(s) || !s.callId || s.participants.some((p) => p.id === peer.id)) return;
      const callId = s.callId;
      const ack = await context.channel.send({
        event: 'call-invite',
        payload: { to: peer.id, callId },
      });
      if (!context.isCurrent(callId)) return;
      const problem = ackProblem(ack);
      if (problem) dispatch({ type: 'notice', message: problem.message });
    },

    async cancel() {
      const s = state();
      const [callee] = s.participants;
      if (s.phase !== 'outgoing' || !callee || !s.callId) return;
      const callId = s.callId;
      await context.end('cancelled', 'Call cancelled.');
      dispatch({ type: 'reset' });
      await context.channel.send({ event: 'call-cancel', payload: { to: callee.id, callId } });
    },

    async answer() {
      const s = state();
      const { peer, callId } = s;
      if (s.phase !== 'incoming' || !peer || !callId) return;
      const offer = incoming.offer;
      try {
        await context.me();
        if (state().phase !== 'incoming' || !context.isCurrent(callId)) return;
        // The camera and the join start before the screen changes: React renders the call
        // screen in the same turn as this dispatch, and they need not wait for it.
        const answered = offer ? answerOffer(offer, peer, callId) : joinMeeting(peer, callId);
        dispatch({ type: 'answering' });
        await answered;
      } catch (error) {
        await refuseAfterFailure(peer.id, callId, error);
      }
    },

    async decline() {
      const { phase, peer, callId } = state();
      if (phase !== 'incoming' || !peer || !callId) return;
      context.forget();
      await context.channel.send({ event: 'call-decline', payload: { to: peer.id, callId } });
    },

    async hangUp() {
      const s = state();
      const [someone] = s.participants;
      if (!inCall(s) || !s.callId) return;
      const sent = someone ? context.sendTo(someone.id, 'end-call', {}) : null;
      await context.end('hung-up', 'Call ended.');
      await sent;
    },

    setMuted(muted) {
      devices.setMuted(muted);
      dispatch({ type: 'local', patch: { muted } });
      context.sendToAll('media-state', { state: mediaState() });
    },

    setCameraOff(off) {
      devices.setCameraOff(off);
      dispatch({ type: 'local', patch: { cameraOff: off } });
      context.sendToAll('media-state', { state: mediaState() });
    },

    startScreenShare: (label, withSound = false) => screen.start(label, withSound),
    stopScreenShare: () => {
      screen.stop();
    },
    startRecording: () => recording.start(),
    stopRecording: () => recording.stop(),
    answerRecordingConsent: (accept) => {
      recording.answerConsent(accept);
    },
    setDevices: async (choice) => {
      if (inCall(state())) await devices.switchTo(choice);
    },
    dismiss() {
      dispatch({ type: 'dismiss' });
    },
    lobby: guests.lobby,
    admitGuest: guests.admitGuest,
    denyGuest: guests.denyGuest,
    dismissGuestProblem: guests.dismissGuestProblem,

    dispose() {
      guests.dispose();
      navigator.mediaDevices.removeEventListener('devicechange', onDeviceChange);
      unsubscribeSignal();
      unsubscribeConnection();
      const s = state();
      const [someone] = joinedOthers(s);
      if (inCall(s) && someone) void context.sendTo(someone.id, 'end-call', {});
      void context.end('hung-up', 'Call ended.');
      context.channel.dispose();
    },
  };
  return engine;
}
