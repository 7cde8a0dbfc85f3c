/**
 * Web permissions: camera, microphone and screen capture for our own page, nothing else for
 * anyone. Notifications are not granted to the page: main shows them (app:notify-incoming-call).
 */
import type { Session } from 'electron';
import { originOf } from './protocol.ts';

export interface PermissionQuery {
  permission: string;
  /** Origin (or URL) of the frame asking; undefined when Electron did not say. */
  origin: string | undefined;
  isMainFrame: boolean;
  /** For 'media': what is asked ('audio' = microphone, 'video' = camera). */
  mediaTypes?: readonly string[] | undefined;
}

/** Pure: grant or deny. */
export function decidePermission(
  query: PermissionQuery,
  trustedOrigins: readonly string[],
): boolean {
  // Our page has no frames; a subframe asking is not our page.
  if (!query.isMainFrame || query.origin === undefined) return false;
  const origin = originOf(query.origin);
  if (origin === null || !trustedOrigins.includes(origin)) return false;
  switch (query.permission) {
    case 'media':
      return (query.mediaTypes ?? []).every((type) => type === 'audio' || type === 'video');
    case 'display-capture':
      return true;
    default:
      return false;
  }
}

type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

export function applyPermissionPolicy(
  session: PermissionSession,
  trustedOrigins: readonly string[],
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const securityOrigin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(
      decidePermission(
        {
          permission,
          origin: securityOrigin ?? details.requestingUrl,
          isMainFrame: details.isMainFrame,
          mediaTypes,
        },
        trustedOrigins,
      ),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermission(
      {
        permission,
        origin: details.securityOrigin ?? requestingOrigin,
        isMainFrame: details.isMainFrame,
        mediaTypes: details.mediaType === undefined ? undefined : [details.mediaType],
      },
      trustedOrigins,
    ),
  );
  // WebHID, WebUSB, Web Serial: never.
  session.setDevicePermissionHandler(() => false);
}
