/**
 * My recording of the call, with the consent rules: under 'consent-required' every joined
 * participant is asked and the recording starts when all have allowed it (one refusal ends the
 * request); everyone is told while it runs. What is recorded: the grid of everyone (any shared
 * screen large, mine included) and every voice mixed, read again as devices change.
 */
import type { RecordingState } from '../../shared/protocol/signaling.ts';
import { startRecording, type ActiveRecording, type RecorderTile } from './call-recorder.ts';
import { inCall, joinedOthers, participant } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';

export interface RecordingControl {
  start(): Promise<void>;
  stop(): Promise<void>;
  answerConsent(accept: boolean): void;
  /** A participant's recording-state message. */
  onRemote(from: string, state: RecordingState): Promise<void>;
  /** A participant joined while I record: they are told too. */
  onJoined(peerId: string): void;
}

export function createRecordingControl(context: EngineContext): RecordingControl {
  let active: ActiveRecording | null = null;
  const set = (value: Partial<ReturnType<EngineContext['state']>['recording']>) => {
    context.dispatch({ type: 'recording', patch: value });
  };

  function tiles(): RecorderTile[] {
    const s = context.state();
    const people = joinedOthers(s);
    const screens: RecorderTile[] = [];
    if (s.local.screen)
      screens.push({ stream: s.local.screen, label: 'My screen', kind: 'screen' });
    for (const p of people) {
      if (p.sharing && p.screen)
        screens.push({ stream: p.screen, label: `${p.displayName}'s screen`, kind: 'screen' });
    }
    const mine = context.devices.tracks()?.stream;
    const cameras: RecorderTile[] = mine ? [{ stream: mine, label: 'Me', kind: 'camera' }] : [];
    for (const p of people) {
      if (p.camera) cameras.push({ stream: p.camera, label: p.displayName, kind: 'camera' });
    }
    return [...screens, ...cameras];
  }

  function voices(): MediaStream[] {
    const s = context.state();
    // My microphone as it is now: after a switch the new track is mixed in.
    const mine = context.devices.tracks()?.stream;
    const theirs = joinedOthers(s).flatMap((p) => [p.camera, p.screen]);
    return [mine, ...theirs].filter((m): m is MediaStream => !!m);
  }

  async function begin(): Promise<void> {
    const s = context.state();
    const callId = s.callId;
    if (!callId || !inCall(s)) return;
    set({ state: 'starting', error: null, awaitingConsentFrom: [] });
    try {
      const me = await context.me();
      const everyone = [
        me,
        ...joinedOthers(s).map((p) => ({ id: p.id, displayName: p.displayName })),
      ];
      const recording = await startRecording(
        context.bridge,
        { callId, participants: everyone },
        { tiles, voices },
      );
      active = recording;
      void recording.failed.then((message) => {
        if (active !== recording) return;
        active = null;
        set({ state: 'off', error: message });
        context.sendToAll('recording-state', { state: 'stopped' });
      });
      set({ state: 'on' });
      context.sendToAll('recording-state', { state: 'started' });
    } catch (error) {
      set({ state: 'off', error: (error as Error).message });
    }
  }

  async function finish(): Promise<void> {
    const recording = active;
    active = null;
    if (!recording) return;
    try {
      set({ state: 'off', lastSummary: await recording.stop() });
    } catch (error) {
      set({
        state: 'off',
        error: `The recording could not be finished: ${(error as Error).message}`,
      });
    }
  }
  context.onEnd.push(finish);

  return {
    async start() {
      const s = context.state();
      if (!inCall(s) || s.recording.state !== 'off') return;
      const policy = context.options.recordingPolicy();
      if (policy === 'disabled') {
        set({ error: 'Recording is turned off by your IT team.' });
        return;
      }
      if (policy === 'consent-required') {
        const asked = joinedOthers(s).map((p) => p.id);
        set({ state: 'waiting-consent', error: null, awaitingConsentFrom: asked });
        context.sendToAll('recording-state', { state: 'consent-requested' });
        return;
      }
      await begin();
    },

    async stop() {
      if (!active) {
        if (context.state().recording.state === 'waiting-consent')
          set({ state: 'off', awaitingConsentFrom: [] });
        return;
      }
      set({ state: 'stopping' });
      context.sendToAll('recording-state', { state: 'stopped' });
      await finish();
    },

    answerConsent(accept) {
      const asker = context.state().recording.consentRequestedBy;
      set({ consentRequestedBy: null });
      if (asker) {
        void context.sendTo(asker.id, 'recording-state', {
          state: accept ? 'consent-granted' : 'consent-denied',
        });
      }
    },

    async onRemote(from, state) {
      const s = context.state();
      const who = participant(s, from);
      switch (state) {
        case 'started':
        case 'stopped':
          context.dispatch({ type: 'remote-recording', id: from, on: state === 'started' });
          if (s.recording.consentRequestedBy?.id === from) set({ consentRequestedBy: null });
          break;
        case 'consent-requested':
          if (who) set({ consentRequestedBy: { id: who.id, displayName: who.displayName } });
          break;
        case 'consent-granted': {
          if (s.recording.state !== 'waiting-consent') break;
          const awaiting = s.recording.awaitingConsentFrom.filter((id) => id !== from);
          set({ awaitingConsentFrom: awaiting });
          if (awaiting.length === 0) await begin();
          break;
        }
        case 'consent-denied':
          if (s.recording.state === 'waiting-consent') {
            const name = who?.displayName ?? 'A participant';
            set({
              state: 'off',
              awaitingConsentFrom: [],
              error: `${name} did not allow recording.`,
            });
          }
          break;
      }
    },

    onJoined(peerId) {
      if (active) void context.sendTo(peerId, 'recording-state', { state: 'started' });
    },
  };
}
