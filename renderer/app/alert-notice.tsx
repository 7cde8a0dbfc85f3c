/**
 * Problems and call outcomes ("Blake Banker declined the call.") in one alert per screen: one
 * place to read, and at most one `Dismiss`.
 */
export function AlertNotice({
  messages,
  onDismiss,
}: {
  messages: readonly string[];
  /** Absent when there is nothing the advisor can clear. */
  onDismiss?: () => void;
}) {
  if (messages.length === 0) return null;
  return (
    <div className="notice-row">
      <div role="alert" className="alert">
        {messages.map((message) => (
          <p key={message}>{message}</p>
        ))}
      </div>
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
