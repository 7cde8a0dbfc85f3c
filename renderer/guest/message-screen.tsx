import { useFocusOnMount } from '../app/hooks/use-focus-on-mount.ts';

/**
 * The end of the way: the meeting ended, the guest was turned away, or the link is no good.
 * One plain sentence; a button only where it leads somewhere.
 */
export function MessageScreen({
  title,
  message,
  alert,
  action,
}: {
  title: string;
  message: string;
  /** A refusal or a bad link (role=alert), rather than news (role=status). */
  alert: boolean;
  action?: { label: string; run: () => void };
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main className="centered">
      <div className="card guest-card">
        <h1 ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        <div role={alert ? 'alert' : 'status'} className={alert ? 'alert' : undefined}>
          <p>{message}</p>
        </div>
        {action && (
          <div className="actions">
            <button type="button" onClick={action.run}>
              {action.label}
            </button>
          </div>
        )}
      </div>
    </main>
  );
}
