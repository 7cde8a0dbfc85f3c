/**
 * Whether this install may update itself at all, decided before electron-updater is touched:
 * IT's policy, whether the installer can be signature-checked, and the feed address baked into
 * app-update.yml (https only: an update fetched over plain http could be swapped on the way).
 */
import { readFileSync } from 'node:fs';

export type UpdateDecision =
  | { enabled: true }
  | { enabled: false; event: 'update.off' | 'update.feed-refused'; reason: string };

export interface UpdateGateInput {
  /** IT's `autoUpdate`, or undefined when the policy does not set it. */
  policyAutoUpdate: boolean | undefined;
  platform: NodeJS.Platform;
  /** The generic provider's `url` from app-update.yml; null when there is none. */
  feedUrl: string | null;
}

/**
 * electron-updater checks the signature of a Windows installer and macOS checks the app's; an
 * AppImage or .deb is installed as downloaded, so Linux updates only when IT asks for them.
 */
const SIGNATURE_CHECKED: readonly NodeJS.Platform[] = ['win32', 'darwin'];

/** Whether an install on `platform` updates itself when IT's policy does not say. */
export const updatesByDefault = (platform: NodeJS.Platform): boolean =>
  SIGNATURE_CHECKED.includes(platform);

/** What is wrong with a feed address, in a sentence for IT; null when it is fine. */
export function feedUrlProblem(feedUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(feedUrl);
  } catch {
    return 'Automatic updates are off: the update address in app-update.yml is not a valid address.';
  }
  if (url.username || url.password) {
    return 'Automatic updates are off: the update address in app-update.yml contains a user name or password.';
  }
  if (url.protocol !== 'https:') {
    return `Automatic updates are off: the update address ${url.protocol}//${url.host}${url.pathname} is not https://. Ask IT to publish updates over https.`;
  }
  return null;
}

export function decideUpdates(input: UpdateGateInput): UpdateDecision {
  if (input.policyAutoUpdate === false) {
    return {
      enabled: false,
      event: 'update.off',
      reason: 'IT’s policy turns automatic updates off.',
    };
  }
  if (!updatesByDefault(input.platform) && input.policyAutoUpdate !== true) {
    return {
      enabled: false,
      event: 'update.off',
      reason: `Automatic updates are off on ${input.platform}: the installer cannot be signature-checked. IT can turn them on with "autoUpdate": true in the policy file.`,
    };
  }
  if (input.feedUrl === null) {
    return {
      enabled: false,
      event: 'update.off',
      reason: 'Automatic updates are off: this build has no update address (app-update.yml).',
    };
  }
  const problem = feedUrlProblem(input.feedUrl);
  return problem
    ? { enabled: false, event: 'update.feed-refused', reason: problem }
    : { enabled: true };
}

/**
 * The `url:` of the app-update.yml electron-builder writes (`provider: generic`), or null when
 * the file is missing (an unpackaged app) or names none.
 */
export function readFeedUrl(appUpdateYml: string): string | null {
  let text: string;
  try {
    text = readFileSync(appUpdateYml, 'utf8');
  } catch {
    return null;
  }
  const match = /^url:[ \t]*(.*?)[ \t]*$/m.exec(text);
  if (!match?.[1]) return null;
  // js-yaml quotes a value only when it has to; both quote styles unwrap the same here.
  return match[1].replace(/^(['"])(.*)\1$/, '$2');
}
