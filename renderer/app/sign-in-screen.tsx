import { useId, useState, type SubmitEvent } from 'react';
import {
  signInSchema,
  type SessionState,
  type SettingsView,
} from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';

const HTTPS_ONLY =
  "Use an https:// address: the connection to your firm's server must be encrypted.";

/**
 * An http:// address of another computer: refused before anything is sent. Main applies the same
 * rule (and, in a packaged app, refuses http:// on this computer too), so this is only the early
 * word.
 */
function needsHttps(address: string): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return !(host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host));
}

export function SignInScreen({
  session,
  settings,
}: {
  session: SessionState;
  settings: SettingsView | null;
}) {
  const pinned = settings?.managed.includes('serverUrl') ?? false;
  // null until typed in: settings may arrive after the first render and should still prefill.
  const [typedServer, setTypedServer] = useState<string | null>(null);
  const [username, setUsername] = useState(session.user?.username ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempted, setAttempted] = useState(false);
  const managedId = useId();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();

  const savedServer = settings?.values.serverUrl ?? session.serverUrl ?? '';
  const serverUrl = pinned ? savedServer : (typedServer ?? savedServer);
  const signingIn = busy || session.status === 'signing-in';

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (signingIn) return;
    setAttempted(true);
    // The same rules main applies, checked here so the message names no internals.
    const parsed = signInSchema.safeParse({ serverUrl, username, password });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the server, username and password.');
      return;
    }
    if (needsHttps(parsed.data.serverUrl)) {
      setError(HTTPS_ONLY);
      return;
    }
    setBusy(true);
    setError(null);
    void advisor.session.signIn(parsed.data).then((result) => {
      setBusy(false);
      if (!result.ok) setError(result.error.message);
      // On success the session changes and the app moves on; the password is not kept.
      else setPassword('');
    });
  };

  // Why we are here (expired, signed out by the server), until the advisor tries again.
  const reason =
    !attempted && session.status !== 'signed-in' && session.message ? session.message : null;

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title" ref={headingRef} tabIndex={-1}>
          RichesReach Advisor
        </h1>
        <p className="muted">Sign in with the account your firm gave you.</p>
        {reason && (
          <p role="status" className="notice">
            {reason}
          </p>
        )}
        <label>
          Server
          <input
            name="server"
            type="url"
            inputMode="url"
            autoComplete="url"
            value={serverUrl}
            readOnly={pinned}
            aria-describedby={pinned ? managedId : undefined}
            onChange={(event) => {
              setTypedServer(event.target.value);
            }}
            placeholder="https://advisor.example.com"
            required
          />
        </label>
        {pinned && (
          <p id={managedId} className="muted small">
            Managed by your IT team
          </p>
        )}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={signingIn} aria-busy={signingIn}>
          Sign in
        </button>
        {signingIn && (
          <p className="muted small" aria-live="polite">
            Signing in…
          </p>
        )}
      </form>
    </main>
  );
}
