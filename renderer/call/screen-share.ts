/**
 * The one owner of my shared screen: captures the source main was told about (screen:choose,
 * pick-then-capture), sends it to every participant as its own track (with the computer's sound
 * where the OS has a loopback device: Windows), and follows the OS "Stop sharing".
 */
import { inCall } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';

export interface ScreenShare {
  start(label: string, withSound: boolean): Promise<void>;
  stop(): void;
}

export function createScreenShare(context: EngineContext): ScreenShare {
  let capture: MediaStream | null = null;

  const tellEveryone = (): void => {
    const { local } = context.state();
    context.sendToAll('media-state', {
      state: { audio: !local.muted, video: !local.cameraOff, screen: local.sharing },
    });
  };

  function stop(): void {
    const stream = capture;
    capture = null;
    for (const track of stream?.getTracks() ?? []) track.stop();
    if (!stream) return;
    void context.shareScreen(null);
    context.dispatch({ type: 'local', patch: { sharing: false, shareLabel: null, screen: null } });
    tellEveryone();
  }
  context.onEnd.push(() => {
    for (const track of capture?.getTracks() ?? []) track.stop();
    capture = null;
  });

  return {
    async start(label, withSound) {
      if (!inCall(context.state()) || capture) return;
      const stream = await navigator.mediaDevices.getDisplayMedia({
        video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 15 } },
        audio: withSound,
      });
      const [track] = stream.getVideoTracks();
      if (!track || !inCall(context.state())) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      track.contentHint = 'detail';
      capture = stream;
      // The OS or browser "Stop sharing" ends the track: follow it.
      track.addEventListener('ended', () => {
        if (capture === stream) stop();
      });
      const [sound = null] = withSound ? stream.getAudioTracks() : [];
      await context.shareScreen({ track, sound, stream });
      context.dispatch({
        type: 'local',
        // With its sound, so that my recording mixes what the others hear of my screen.
        patch: {
          sharing: true,
          shareLabel: label,
          screen: new MediaStream(sound ? [track, sound] : [track]),
        },
      });
      tellEveryone();
    },
    stop,
  };
}
