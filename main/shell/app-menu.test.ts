import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { Menu } from 'electron';
import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
import {
  DEVELOPER_ROLES,
  appMenuTemplate,
  installAppMenu,
  type AppMenuOptions,
} from './app-menu.ts';

const options = (overrides: Partial<AppMenuOptions> = {}): AppMenuOptions => ({
  platform: 'win32',
  appName: 'RichesReach Advisor',
  version: '1.2.3',
  packaged: true,
  onCopyDiagnostics: () => undefined,
  ...overrides,
});

/** Every item of a template, submenus included. */
function allItems(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [
    item,
    ...(Array.isArray(item.submenu) ? allItems(item.submenu) : []),
  ]);
}

const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role);
const submenuOf = (items: MenuItemConstructorOptions[], name: string) => {
  const menu = items.find((item) => (item.label ?? item.role) === name);
  if (!menu || !Array.isArray(menu.submenu)) throw new Error(`no ${name} menu`);
  return menu.submenu;
};
const roles = (items: MenuItemConstructorOptions[]) =>
  items.filter((item) => item.type !== 'separator').map((item) => item.role ?? item.label);

beforeEach(() => {
  resetElectronMock();
});

describe('application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)(
    'packaged on %s: no reload and no DevTools item anywhere',
    (platform) => {
      const items = allItems(appMenuTemplate(options({ platform })));
      for (const role of DEVELOPER_ROLES) {
        expect(items.filter((item) => item.role === role)).toEqual([]);
      }
      // No accelerator of our own brings them back either.
      expect(items.filter((item) => item.accelerator !== undefined)).toEqual([]);
    },
  );

  it('Edit has undo, redo, cut, copy, paste and select all', () => {
    expect(roles(submenuOf(appMenuTemplate(options()), 'Edit'))).toEqual([
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'selectAll',
    ]);
  });

  it('View has zoom and full screen only', () => {
    expect(roles(submenuOf(appMenuTemplate(options()), 'View'))).toEqual([
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
    ]);
  });

  it('on macOS the app menu comes first; elsewhere File with Quit', () => {
    const mac = appMenuTemplate(options({ platform: 'darwin' }));
    expect(labels(mac)).toEqual(['RichesReach Advisor', 'Edit', 'View', 'Window', 'help']);
    expect(roles(submenuOf(mac, 'RichesReach Advisor'))).toEqual([
      'about',
      'services',
      'hide',
      'hideOthers',
      'unhide',
      'quit',
    ]);
    const windows = appMenuTemplate(options({ platform: 'win32' }));
    expect(labels(windows)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    expect(roles(submenuOf(windows, 'File'))).toEqual(['quit']);
  });

  it('Help shows the version and copies diagnostics', () => {
    const onCopyDiagnostics = vi.fn();
    const help = submenuOf(appMenuTemplate(options({ onCopyDiagnostics })), 'help');
    expect(help[0]).toEqual({ label: 'RichesReach Advisor 1.2.3', enabled: false });
    const copy = help.find((item) => item.label === 'Copy diagnostics');
    expect(copy).toBeDefined();
    (copy!.click as () => void)();
    expect(onCopyDiagnostics).toHaveBeenCalledTimes(1);
  });

  it('a development build has the developer items, in their own menu only', () => {
    const template = appMenuTemplate(options({ packaged: false }));
    expect(roles(submenuOf(template, 'Developer'))).toEqual([...DEVELOPER_ROLES]);
    expect(roles(submenuOf(template, 'View'))).not.toContain('reload');
  });

  it('installs the packaged template as the application menu', () => {
    installAppMenu(Menu, options({ platform: 'linux' }));
    expect(electronMock.applicationMenu).not.toBeNull();
    const items = allItems(electronMock.applicationMenu!);
    expect(items.some((item) => item.label === 'Copy diagnostics')).toBe(true);
    expect(items.filter((item) => item.role === 'toggleDevTools')).toEqual([]);
  });
});
