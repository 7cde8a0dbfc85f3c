/**
 * The application menu. It replaces Electron's default menu, whose View menu carries Reload, Force
 * Reload and Toggle Developer Tools (and their keyboard shortcuts): a packaged app has none of them.
 * The template is built by a pure function, so the tests read exactly what the advisor gets.
 */
import type { Menu, MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  version: string;
  /** A packaged app: no developer items anywhere. */
  packaged: boolean;
  /** Help > Copy diagnostics. */
  onCopyDiagnostics: () => void;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

/** Roles that reload the page or open DevTools: development builds only. */
export const DEVELOPER_ROLES = ['reload', 'forceReload', 'toggleDevTools'] as const;

export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  // Windows and Linux have no app menu; Quit lives in File there.
  const fileMenu: MenuItemConstructorOptions = { label: 'File', submenu: [{ role: 'quit' }] };
  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const windowMenu: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };
  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: `${options.appName} ${options.version}`, enabled: false },
      separator,
      {
        label: 'Copy diagnostics',
        click: () => {
          options.onCopyDiagnostics();
        },
      },
    ],
  };
  const developerMenu: MenuItemConstructorOptions = {
    label: 'Developer',
    submenu: DEVELOPER_ROLES.map((role) => ({ role })),
  };
  return [
    ...(isMac ? [appMenu] : [fileMenu]),
    editMenu,
    viewMenu,
    windowMenu,
    ...(options.packaged ? [] : [developerMenu]),
    helpMenu,
  ];
}

/** Puts the menu in place (Electron's Menu is passed in, as the mock is in tests). */
export function installAppMenu(
  menu: Pick<typeof Menu, 'buildFromTemplate' | 'setApplicationMenu'>,
  options: AppMenuOptions,
): void {
  menu.setApplicationMenu(menu.buildFromTemplate(appMenuTemplate(options)));
}
