import { useState, type SyntheticEvent } from 'react';
import type { SessionState, SettingsView } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';

export function SignInScreen({
  session,
  settings,
}: {
  session: SessionState | null;
  settings: SettingsView | null;
}) {
  const pinned = settings?.managed.includes('serverUrl') ?? false;
  const [server, setServer] = useState(settings?.values.serverUrl ?? '');
  const [username, setUsername] = useState(session?.user?.username ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const serverUrl = pinned
    ? (settings?.values.serverUrl ?? '')
    : server || (settings?.values.serverUrl ?? '');

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    void advisor.session.signIn({ serverUrl, username, password }).then((result) => {
      setBusy(false);
      if (!result.ok) setError(result.error.message);
    });
  };

  const notice = session?.status === 'expired' ? session.message : null;
  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">RichesReach Advisor</h1>
        <p className="muted">Sign in with the account your firm gave you.</p>
        {notice && <p className="notice">{notice}</p>}
        <label>
          Server
          <input
            name="server"
            type="url"
            value={serverUrl}
            readOnly={pinned}
            onChange={(e) => {
              setServer(e.target.value);
            }}
            placeholder="https://advisor.example.com"
            required
          />
        </label>
        {pinned && <p className="muted small">Managed by your IT team</p>}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
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
            onChange={(e) => {
              setPassword(e.target.value);
            }}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
