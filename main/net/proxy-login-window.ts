/**
 * The proxy sign-in prompt: a small modal window over the app's, with no preload and no bridge
 * (it needs neither). The page only marks its title when the advisor submits or cancels; main
 * then reads the two fields and closes it, so the password travels neither in a URL nor over IPC.
 */
import { BrowserWindow } from 'electron';
import type { AskProxyCredentials, ProxyChallenge, ProxyCredentials } from './proxy-login.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function proxyLoginPage(challenge: ProxyChallenge): string {
  const proxy = escapeHtml(`${challenge.host}:${challenge.port}`);
  const retry = challenge.retry
    ? '<p role="alert">The proxy did not accept that user name and password. Try again.</p>'
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Proxy sign-in</title><style>body{font:14px system-ui,sans-serif;margin:16px}label{display:block;margin:8px 0}input{width:100%}</style>
</head><body><form id="f"><h1 style="font-size:16px">Sign in to your network's proxy</h1>
<p>Your network's proxy (${proxy}) asks for a user name and password before RichesReach Advisor can reach its server. They are kept only until you quit the app.</p>${retry}
<label>User name <input id="u" autocomplete="username" required autofocus></label>
<label>Password <input id="p" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button> <button type="button" id="c">Cancel</button></form>
<script>
document.getElementById('f').addEventListener('submit', (e) => { e.preventDefault(); document.title = 'submit'; });
document.getElementById('c').addEventListener('click', () => { document.title = 'cancel'; });
</script></body></html>`;
}

const READ_FIELDS = "[document.getElementById('u').value, document.getElementById('p').value]";

/** An AskProxyCredentials that shows the prompt over `parent` (or alone before it exists). */
export function askInWindow(parent: () => BrowserWindow | null): AskProxyCredentials {
  return (challenge) =>
    new Promise<ProxyCredentials | null>((resolve) => {
      const owner = parent();
      const prompt = new BrowserWindow({
        width: 420,
        height: 330,
        resizable: false,
        minimizable: false,
        maximizable: false,
        title: 'Proxy sign-in',
        ...(owner && !owner.isDestroyed() ? { parent: owner, modal: true } : {}),
        webPreferences: {
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          webSecurity: true,
          devTools: false,
          spellcheck: false,
          disableBlinkFeatures: 'Auxclick',
        },
      });
      let settled = false;
      const finish = (credentials: ProxyCredentials | null) => {
        if (settled) return;
        settled = true;
        resolve(credentials);
        if (!prompt.isDestroyed()) prompt.destroy();
      };
      prompt.on('closed', () => {
        finish(null);
      });
      prompt.webContents.on('page-title-updated', (_event, title) => {
        if (title === 'cancel') finish(null);
        if (title !== 'submit') return;
        prompt.webContents.executeJavaScript(READ_FIELDS).then(
          (fields: unknown) => {
            const [username, password] = Array.isArray(fields) ? (fields as unknown[]) : [];
            finish(
              typeof username === 'string' && typeof password === 'string' && username !== ''
                ? { username, password }
                : null,
            );
          },
          () => {
            finish(null);
          },
        );
      });
      prompt
        .loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(proxyLoginPage(challenge))}`)
        .catch(() => {
          finish(null);
        });
    });
}
