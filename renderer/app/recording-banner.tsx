/** Shown to both parties for as long as either records: the exact words matter to compliance. */
export function RecordingBanner({ byMe, peerName }: { byMe: boolean; peerName: string }) {
  return (
    <div className="recording-banner">
      <span className="rec-dot" aria-hidden="true" />
      <p role="status">This call is being recorded</p>
      <p className="who">{byMe ? 'You are recording it.' : `${peerName} is recording it.`}</p>
    </div>
  );
}
