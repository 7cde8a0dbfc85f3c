import { useEffect, useState, useSyncExternalStore } from 'react';
import { LINK_INVALID } from '../../shared/protocol/guest.ts';
import { createGuestFlow, type GuestFlow } from './guest-flow.ts';
import { GuestCallScreen } from './guest-call-screen.tsx';
import { readJoinToken } from './join-link.ts';
import type { DevicePick } from './lobby-preview.tsx';
import { LobbyScreen } from './lobby-screen.tsx';
import { MessageScreen } from './message-screen.tsx';
import { WaitingScreen } from './waiting-screen.tsx';

/** The guest page: one screen per stage of the guest's way (see guest-flow.ts). */
export function GuestApp() {
  const [token] = useState(() => readJoinToken(location.pathname));
  if (!token)
    return <MessageScreen title="This link does not work" message={LINK_INVALID.message} alert />;
  return <GuestStages token={token} />;
}

function GuestStages({ token }: { token: string }) {
  const [flow] = useState<GuestFlow>(() => createGuestFlow(location.origin, token));
  useEffect(
    () => () => {
      flow.dispose();
    },
    [flow],
  );
  const stage = useSyncExternalStore(flow.subscribe, flow.stage);
  const [name, setName] = useState('');
  const [pick, setPick] = useState<DevicePick>({ cameraId: null, microphoneId: null });
  const leave = () => {
    void flow.leave();
  };
  const engine = flow.engine();

  switch (stage.kind) {
    case 'lobby':
      return (
        <LobbyScreen
          name={name}
          onName={setName}
          pick={pick}
          onPick={setPick}
          busy={stage.busy}
          error={stage.error}
          onJoin={(validName) => {
            void flow.join(validName, { ...pick, speakerId: null });
          }}
        />
      );
    case 'waiting':
      return (
        <WaitingScreen
          advisorName={stage.advisorName}
          admitted={stage.admitted}
          connection={stage.connection}
          onLeave={leave}
        />
      );
    case 'call':
      return engine ? (
        <GuestCallScreen engine={engine} connection={stage.connection} onLeave={leave} />
      ) : null;
    case 'ended':
      return (
        <MessageScreen
          title="Meeting over"
          message={stage.message}
          alert={false}
          action={{
            label: 'Join again',
            run: () => {
              flow.restart();
            },
          }}
        />
      );
    case 'refused':
      return <MessageScreen title="You were not let in" message={stage.message} alert />;
    case 'invalid':
      return <MessageScreen title="This link does not work" message={stage.message} alert />;
  }
}
