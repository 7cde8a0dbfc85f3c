/**
 * The one mock of the `electron` module, for the Electron shell's unit tests (there is no
 * Electron binary on CI machines without a display, and the real module cannot load under Node):
 *
 *   vi.mock('electron', () => import('../testing/electron-mock.ts'));
 *   import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
 *
 * It behaves just enough like Electron for the shell's code to run, and records what the shell
 * asked of it (window options, scheme privileges and protocol handlers, session handlers, IPC
 * handlers, external opens, clipboard writes, notifications, power-save blockers, dialogs, the
 * application menu, net requests, app events) so tests assert the security decisions themselves. Call resetElectronMock() before each test.
 */
import { EventEmitter } from 'node:events';
import type {
  AuthInfo,
  BrowserWindowConstructorOptions,
  ClientRequestConstructorOptions,
  CustomScheme,
  HandlerDetails,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  NotificationConstructorOptions,
  OpenDialogOptions,
  OpenDialogReturnValue,
  Session,
  WindowOpenHandlerResponse,
} from 'electron';
import { vi } from 'vitest';

/** An Electron-style event whose default a listener may prevent. */
export function mockEvent<T extends object>(
  fields: T = {} as T,
): T & { defaultPrevented: boolean; preventDefault(): void } {
  return {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class MockWebFrame {
  url: string;
  parent: MockWebFrame | null;
  constructor(url = '', parent: MockWebFrame | null = null) {
    this.url = url;
    this.parent = parent;
  }
}

let nextWebContentsId = 1;

export class MockWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new MockWebFrame();
  destroyed = false;
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>();
  readonly reload = vi.fn();
  /** What page scripts answer; a test sets it per call (mockResolvedValueOnce). */
  readonly executeJavaScript = vi.fn((_code: string) => Promise.resolve<unknown>(undefined));
  readonly loadURL = vi.fn((url: string) => {
    if (state.loadFailure) return Promise.reject(state.loadFailure);
    this.mainFrame.url = url;
    return Promise.resolve();
  });
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a navigation-like event and says whether a listener prevented it. */
  attempt(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const details = mockEvent({ url });
    this.emit(event, details, url);
    return !details.defaultPrevented;
  }
}

export class MockBrowserWindow extends EventEmitter {
  static getAllWindows(): MockBrowserWindow[] {
    return state.windows.filter((window) => !window.destroyed);
  }
  static getFocusedWindow(): MockBrowserWindow | null {
    return state.windows.find((window) => window.focused && !window.destroyed) ?? null;
  }

  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new MockWebContents();
  destroyed = false;
  focused = false;
  minimized = false;
  visible = false;
  readonly focus = vi.fn(() => {
    this.focused = true;
  });
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });

  constructor(options: BrowserWindowConstructorOptions = {}) {
    super();
    this.options = options;
    this.visible = options.show ?? true;
    state.windows.push(this);
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  /** Like Electron: 'close' may be prevented; otherwise the window goes. */
  close(): void {
    const event = mockEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type DevicePermissionHandler = Parameters<Session['setDevicePermissionHandler']>[0];
type DisplayMediaRequestHandler = Parameters<Session['setDisplayMediaRequestHandler']>[0];
type ProtocolHandler = (request: Request) => Response | Promise<Response>;
type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

export class MockSession {
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  devicePermissionHandler: DevicePermissionHandler = null;
  displayMediaRequestHandler: DisplayMediaRequestHandler = null;
  readonly protocol = protocol;
  readonly setPermissionRequestHandler = vi.fn((handler: PermissionRequestHandler) => {
    this.permissionRequestHandler = handler;
  });
  readonly setPermissionCheckHandler = vi.fn((handler: PermissionCheckHandler) => {
    this.permissionCheckHandler = handler;
  });
  readonly setDevicePermissionHandler = vi.fn((handler: DevicePermissionHandler) => {
    this.devicePermissionHandler = handler;
  });
  /** What the system proxy settings answer for every URL (Chromium's PAC syntax). */
  proxyAnswer = 'DIRECT';
  readonly resolveProxy = vi.fn((_url: string) => Promise.resolve(this.proxyAnswer));
  readonly setDisplayMediaRequestHandler = vi.fn((handler: DisplayMediaRequestHandler) => {
    this.displayMediaRequestHandler = handler;
  });
}

export class MockNotification extends EventEmitter {
  static readonly isSupported = vi.fn(() => true);
  readonly options: NotificationConstructorOptions;
  shown = false;
  readonly show = vi.fn(() => {
    this.shown = true;
  });
  readonly close = vi.fn(() => {
    this.emit('close', mockEvent());
  });
  constructor(options: NotificationConstructorOptions = {}) {
    super();
    this.options = options;
    state.notifications.push(this);
  }
  /** What the OS does when the advisor clicks it. */
  click(): void {
    this.emit('click', mockEvent());
  }
}

/** What the shell asked of Electron, since the last reset. */
interface State {
  windows: MockBrowserWindow[];
  privilegedSchemes: CustomScheme[];
  protocolHandlers: Map<string, ProtocolHandler>;
  ipcHandlers: Map<string, IpcHandler>;
  exposedInMainWorld: Map<string, unknown>;
  openedExternally: string[];
  notifications: MockNotification[];
  /** Every text written to the clipboard, in order. */
  clipboardTexts: string[];
  /** Blockers now started, by id. */
  powerSaveBlockers: Map<number, string>;
  messageBoxes: MessageBoxOptions[];
  /** The button index the next message boxes answer. */
  messageBoxResponse: number;
  openDialogResult: OpenDialogReturnValue;
  singleInstanceLock: boolean;
  /** When set, every loadURL rejects with it. */
  loadFailure: Error | null;
  /** Every net.request made, in order. */
  netRequests: MockClientRequest[];
  quitCount: number;
  /** The template of the menu last set with Menu.setApplicationMenu (null: none set). */
  applicationMenu: MenuItemConstructorOptions[] | null;
}

function freshState(): State {
  return {
    windows: [],
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    exposedInMainWorld: new Map(),
    openedExternally: [],
    notifications: [],
    clipboardTexts: [],
    powerSaveBlockers: new Map(),
    messageBoxes: [],
    messageBoxResponse: 0,
    openDialogResult: { canceled: true, filePaths: [] },
    singleInstanceLock: true,
    loadFailure: null,
    netRequests: [],
    quitCount: 0,
    applicationMenu: null,
  };
}

const state: State = freshState();
let nextBlockerId = 1;

class MockApp extends EventEmitter {
  isPackaged = false;
  readonly requestSingleInstanceLock = vi.fn(() => state.singleInstanceLock);
  /** Like Electron: emits 'before-quit' (preventable), then 'will-quit' (preventable). */
  readonly quit = vi.fn(() => {
    const beforeQuit = mockEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    const willQuit = mockEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    state.quitCount += 1;
  });
  readonly exit = vi.fn();
  readonly focus = vi.fn();
  readonly setPath = vi.fn();
  readonly getPath = vi.fn((name: string) => `/tmp/electron-mock/${name}`);
  readonly getAppPath = vi.fn(() => '/tmp/electron-mock/app');
  readonly getVersion = vi.fn(() => '0.0.0-mock');
  readonly whenReady = vi.fn(() => Promise.resolve());
}

export const app = new MockApp();

export const BrowserWindow = MockBrowserWindow;
export const Notification = MockNotification;

export const protocol = {
  registerSchemesAsPrivileged: vi.fn((schemes: CustomScheme[]) => {
    state.privilegedSchemes.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: ProtocolHandler) => {
    state.protocolHandlers.set(scheme, handler);
  }),
  unhandle: vi.fn((scheme: string) => {
    state.protocolHandlers.delete(scheme);
  }),
  isProtocolHandled: vi.fn((scheme: string) => state.protocolHandlers.has(scheme)),
};

export const session = { defaultSession: new MockSession() };

class MockIpcMain extends EventEmitter {
  /** Like Electron, a second handler for one channel throws. */
  readonly handle = vi.fn((channel: string, handler: IpcHandler) => {
    if (state.ipcHandlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    state.ipcHandlers.set(channel, handler);
  });
  readonly removeHandler = vi.fn((channel: string) => {
    state.ipcHandlers.delete(channel);
  });
}
export const ipcMain = new MockIpcMain();

class MockIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn((channel: string, ...args: unknown[]) =>
    Promise.resolve<unknown>({ ok: true, value: { channel, args } }),
  );
  readonly send = vi.fn();
}
export const ipcRenderer = new MockIpcRenderer();

export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    state.exposedInMainWorld.set(key, api);
  }),
};

export const shell = {
  openExternal: vi.fn((url: string) => {
    state.openedExternally.push(url);
    return Promise.resolve();
  }),
  showItemInFolder: vi.fn(),
};

function showMessageBox(
  ...args: [unknown, MessageBoxOptions] | [MessageBoxOptions]
): Promise<MessageBoxReturnValue> {
  const options = args.length === 2 ? args[1] : args[0];
  state.messageBoxes.push(options);
  return Promise.resolve({ response: state.messageBoxResponse, checkboxChecked: false });
}

export const dialog = {
  showMessageBox: vi.fn(showMessageBox),
  showOpenDialog: vi.fn((..._args: [unknown, OpenDialogOptions] | [OpenDialogOptions]) =>
    Promise.resolve(state.openDialogResult),
  ),
  showErrorBox: vi.fn(),
};

export const powerSaveBlocker = {
  start: vi.fn((type: string) => {
    const id = nextBlockerId++;
    state.powerSaveBlockers.set(id, type);
    return id;
  }),
  stop: vi.fn((id: number) => state.powerSaveBlockers.delete(id)),
  isStarted: vi.fn((id: number) => state.powerSaveBlockers.has(id)),
};

export const clipboard = {
  writeText: vi.fn((text: string) => {
    state.clipboardTexts.push(text);
    return Promise.resolve();
  }),
};

/** A built menu keeps its template, so tests read what was installed. */
export class MockMenu {
  readonly template: MenuItemConstructorOptions[];
  constructor(template: MenuItemConstructorOptions[]) {
    this.template = template;
  }
  static readonly buildFromTemplate = vi.fn(
    (template: MenuItemConstructorOptions[]) => new MockMenu(template),
  );
  static readonly setApplicationMenu = vi.fn((menu: MockMenu | null) => {
    state.applicationMenu = menu?.template ?? null;
  });
}
export const Menu = MockMenu;

/** net.request's ClientRequest: records what was asked; the test plays the network's part. */
export class MockClientRequest extends EventEmitter {
  readonly options: ClientRequestConstructorOptions;
  readonly headers: Record<string, string> = {};
  body: string | undefined;
  ended = false;
  aborted = false;
  constructor(options: ClientRequestConstructorOptions) {
    super();
    this.options = options;
  }
  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }
  end(body?: string): void {
    this.body = body;
    this.ended = true;
  }
  abort(): void {
    this.aborted = true;
  }
  /** The proxy (or server) asks for a password; resolves with what the app answered. */
  challenge(authInfo: AuthInfo): Promise<[string?, string?]> {
    return new Promise((resolve) => {
      this.emit('login', authInfo, (username?: string, password?: string) => {
        resolve([username, password]);
      });
    });
  }
  /** The server's answer, body sent in one chunk. */
  respond(statusCode: number, body = '', headers: Record<string, string> = {}): void {
    const message = Object.assign(new EventEmitter(), { statusCode, statusMessage: '', headers });
    this.emit('response', message);
    if (body) message.emit('data', Buffer.from(body));
    message.emit('end');
  }
}

export const net = {
  request: vi.fn((options: ClientRequestConstructorOptions) => {
    const request = new MockClientRequest(options);
    state.netRequests.push(request);
    return request;
  }),
};

export const desktopCapturer = { getSources: vi.fn(() => Promise.resolve([])) };
export const systemPreferences = {
  getMediaAccessStatus: vi.fn((_mediaType: string) => 'granted'),
};

/** A stand-in for NativeImage. */
export function mockImage(dataUrl: string): { toDataURL(): string; isEmpty(): boolean } {
  return { toDataURL: () => dataUrl, isEmpty: () => dataUrl === '' };
}

/** The records, plus the knobs tests turn (lock result, dialog answer). */
export const electronMock = state;

const spies = [
  app.requestSingleInstanceLock,
  app.quit,
  app.exit,
  app.focus,
  app.setPath,
  app.getPath,
  app.getAppPath,
  app.getVersion,
  app.whenReady,
  MockNotification.isSupported,
  protocol.registerSchemesAsPrivileged,
  protocol.handle,
  protocol.unhandle,
  protocol.isProtocolHandled,
  ipcMain.handle,
  ipcMain.removeHandler,
  ipcRenderer.invoke,
  ipcRenderer.send,
  contextBridge.exposeInMainWorld,
  shell.openExternal,
  shell.showItemInFolder,
  clipboard.writeText,
  dialog.showMessageBox,
  dialog.showOpenDialog,
  dialog.showErrorBox,
  powerSaveBlocker.start,
  powerSaveBlocker.stop,
  powerSaveBlocker.isStarted,
  desktopCapturer.getSources,
  systemPreferences.getMediaAccessStatus,
  net.request,
  MockMenu.buildFromTemplate,
  MockMenu.setApplicationMenu,
];

export function resetElectronMock(): void {
  Object.assign(state, freshState());
  for (const spy of spies) spy.mockClear();
  MockNotification.isSupported.mockImplementation(() => true);
  app.isPackaged = false;
  app.removeAllListeners();
  ipcMain.removeAllListeners();
  ipcRenderer.removeAllListeners();
  session.defaultSession = new MockSession();
}

export default {
  app,
  BrowserWindow,
  Notification,
  protocol,
  session,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  clipboard,
  dialog,
  powerSaveBlocker,
  desktopCapturer,
  systemPreferences,
  Menu,
  net,
};
