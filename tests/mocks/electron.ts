/**
 * A typed test double of the `electron` module (Electron Fiddle's
 * tests/mocks/electron.ts idea): the adapters in src/main/electron/ and the
 * preload run against it in plain Node, because the real module tries to
 * download its binary on `require('electron')` (design.md §4).
 *
 * Every fake `implements Pick<Electron.X, …>` of the methods the app uses, so
 * a signature that drifts from electron.d.ts fails the type check. Fakes
 * record what the code asked for (constructor options, registered handlers,
 * menus, images, sent messages) and let tests fire the events Electron would
 * ('click', 'blur', 'second-instance', 'resume', 'will-navigate', …).
 *
 * Use:
 * ```ts
 * vi.mock('electron', async () => (await import('../../../tests/mocks/electron')).electronModule);
 * import { fake, resetElectronMock } from '../../../tests/mocks/electron';
 * beforeEach(() => resetElectronMock());
 * ```
 * The module object is built once and reset in place, so references the
 * code under test captured at import time stay valid across tests.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';

type ElectronModule = typeof Electron;

/** A fake `Event` with `preventDefault()` recording whether it was called. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---------------------------------------------------------------- web frames & contents

/** `WebFrameMain`: the parts the IPC sender check reads. */
export class FakeWebFrame implements Pick<Electron.WebFrameMain, 'url' | 'parent' | 'top' | 'origin'> {
  parent: Electron.WebFrameMain | null = null;
  constructor(public url: string) {}
  get top(): Electron.WebFrameMain | null {
    return this.parent ? this.parent.top : (this as unknown as Electron.WebFrameMain);
  }
  get origin(): string {
    try {
      return new URL(this.url).origin;
    } catch {
      return 'null';
    }
  }
  /** Makes this frame a child (an iframe) of `parent`. */
  childOf(parent: FakeWebFrame): this {
    this.parent = parent as unknown as Electron.WebFrameMain;
    return this;
  }
}

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];
// Parameters<> of an overloaded method sees the last overload: `onHeadersReceived(listener)`.
type HeadersListener = Parameters<Electron.WebRequest['onHeadersReceived']>[0];

/** `session.webRequest`. */
export class FakeWebRequest {
  headersListener: HeadersListener | null = null;
  onHeadersReceived(...args: unknown[]): void {
    this.headersListener = (args.length === 2 ? args[1] : args[0]) as HeadersListener;
  }
  /** Runs the registered listener as Chromium would for a response; resolves with what it answered. */
  runHeadersReceived(
    details: Partial<Electron.OnHeadersReceivedListenerDetails>,
  ): Promise<Electron.HeadersReceivedResponse> {
    const l = this.headersListener;
    if (!l) return Promise.resolve({});
    return new Promise((resolve) =>
      l(
        { responseHeaders: {}, url: 'file:///index.html', ...details } as Electron.OnHeadersReceivedListenerDetails,
        resolve,
      ),
    );
  }
}

/**
 * `session.cookies`: the session's cookie jar. The default session is a persistent one (its
 * cookies go to the profile's `Cookies` database on disk; docs/api/session.md). Only what
 * {@link FakeNet.fetch} needs: Set-Cookie stored per host (a `Domain` attribute widens it to
 * the subdomains, `Max-Age=0` deletes), and the `Cookie` header a request to a URL would carry.
 */
export class FakeCookies implements Pick<Electron.Cookies, 'get'> {
  jar: { name: string; value: string; domain: string; hostOnly: boolean }[] = [];
  get(filter: Electron.CookiesGetFilter = {}): Promise<Electron.Cookie[]> {
    const host = filter.url ? new URL(filter.url).hostname : null;
    return Promise.resolve(
      this.jar
        .filter((c) => (host === null || FakeCookies.matches(c, host)) && (!filter.name || c.name === filter.name))
        .map((c) => ({ ...c, sameSite: 'unspecified' as const })),
    );
  }
  private static matches(c: { domain: string; hostOnly: boolean }, host: string): boolean {
    return host === c.domain || (!c.hostOnly && host.endsWith(`.${c.domain}`));
  }
  /** The `Cookie` header Chromium would add to a request to `url` (null: none). */
  headerFor(url: string): string | null {
    const host = new URL(url).hostname;
    const sent = this.jar.filter((c) => FakeCookies.matches(c, host)).map((c) => `${c.name}=${c.value}`);
    return sent.length > 0 ? sent.join('; ') : null;
  }
  /** Stores the `Set-Cookie` lines of a response from `url`. */
  store(url: string, setCookie: string[]): void {
    const host = new URL(url).hostname;
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const attr = (key: string): string | undefined =>
        attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const domainAttr = attr('domain')?.replace(/^\./, '').toLowerCase();
      const cookie = { name, value: pair.slice(eq + 1), domain: domainAttr ?? host, hostOnly: !domainAttr };
      this.jar = this.jar.filter((c) => !(c.name === name && c.domain === cookie.domain));
      if (Number(attr('max-age') ?? '1') > 0) this.jar.push(cookie);
    }
  }
}

/** `Session`. */
export class FakeSession implements Pick<
  Electron.Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler'
> {
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;
  webRequest = new FakeWebRequest();
  cookies = new FakeCookies();
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  /** Asks the registered request handler; resolves with the grant (true when no handler: Electron's default). */
  requestPermission(permission: string, wc: FakeWebContents | null = null, requestingUrl?: string): Promise<boolean> {
    const h = this.permissionRequestHandler;
    if (!h) return Promise.resolve(true);
    const details = { requestingUrl: requestingUrl ?? wc?.getURL() ?? '', isMainFrame: true };
    return new Promise((resolve) =>
      h(wc as unknown as Electron.WebContents, permission as never, resolve, details as never),
    );
  }
  /** Asks the registered check handler (true when none). */
  checkPermission(permission: string, origin = 'file://'): boolean {
    const h = this.permissionCheckHandler;
    return h ? h(null, permission as never, origin, {} as never) : true;
  }
}

let nextWebContentsId = 1;

/** `WebContents`. Emit 'will-navigate' etc. with {@link FakeWebContents.navigate}. */
export class FakeWebContents
  extends EventEmitter
  implements
    Pick<
      Electron.WebContents,
      | 'id'
      | 'send'
      | 'setWindowOpenHandler'
      | 'isDestroyed'
      | 'getURL'
      | 'loadFile'
      | 'loadURL'
      | 'focus'
      | 'openDevTools'
    >
{
  id = nextWebContentsId++;
  session: FakeSession;
  mainFrame: FakeWebFrame = new FakeWebFrame('about:blank');
  /** Everything `send()` pushed: [channel, ...args]. */
  sent: [string, ...unknown[]][] = [];
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null;
  destroyed = false;
  loaded: { file?: string; url?: string; options?: unknown }[] = [];
  devToolsOpened = false;

  constructor(session: FakeSession = fake.session.defaultSession) {
    super();
    this.session = session;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  loadFile(filePath: string, options?: Electron.LoadFileOptions): Promise<void> {
    this.loaded.push({ file: filePath, options });
    const url = `file://${filePath}`;
    // Electron rejects loadFile/loadURL with the net error of the failed navigation
    // (docs/api/web-contents.md "contents.loadURL": "rejects if the page fails to load").
    if (!existsSync(filePath)) return Promise.reject(loadError('ERR_FILE_NOT_FOUND', -6, url));
    // With the grantFileProtocolExtraPrivileges fuse off, Electron installs no asar-aware file://
    // handler and file:// pages get no more than a browser's (electron/electron#40372, spec/fuses-spec.ts):
    // a page inside app.asar does not load (electron/forge#3508, "blank window").
    if (!fake.fuses.grantFileProtocolExtraPrivileges && /\.asar[\\/]/.test(filePath)) {
      return Promise.reject(loadError('ERR_FILE_NOT_FOUND', -6, url));
    }
    this.mainFrame.url = url;
    return Promise.resolve();
  }
  async loadURL(url: string, options?: Electron.LoadURLOptions): Promise<void> {
    this.loaded.push({ url, options });
    let scheme: string;
    try {
      scheme = new URL(url).protocol.slice(0, -1);
    } catch {
      throw loadError('ERR_INVALID_URL', -300, url);
    }
    if (scheme === 'file') {
      this.loaded.pop();
      return this.loadFile(fileURLToPath(url));
    }
    if (!['http', 'https', 'about', 'data'].includes(scheme)) {
      // A custom scheme loads only through its protocol.handle handler.
      const res = await fake.protocol.fetch(url);
      if (res === null) throw loadError('ERR_UNKNOWN_URL_SCHEME', -302, url);
      // An empty 4xx/5xx body is a failed navigation in Chromium.
      if (!res.ok) throw loadError('ERR_HTTP_RESPONSE_CODE_FAILURE', -379, url);
    }
    this.mainFrame.url = url;
  }
  focus(): void {}
  openDevTools(): void {
    this.devToolsOpened = true;
  }
  /** Fires 'will-navigate' (or 'will-redirect') as a link click would; returns whether the app prevented it. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate' = 'will-navigate'): boolean {
    const e = Object.assign(new FakeEvent(), { url, isMainFrame: true, isSameDocument: false, frame: null });
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
  /** Asks the window-open handler what to do with `window.open(url)` (Electron's default: allow). */
  openWindow(url: string): Electron.WindowOpenHandlerResponse {
    return this.windowOpenHandler
      ? this.windowOpenHandler({
          url,
          frameName: '',
          features: '',
          disposition: 'new-window',
        } as Electron.HandlerDetails)
      : { action: 'allow' };
  }
  /** Fires 'will-attach-webview'; returns whether it was prevented. */
  attachWebview(): boolean {
    const e = new FakeEvent();
    this.emit('will-attach-webview', e, {}, {});
    return e.defaultPrevented;
  }
  /** The payloads sent on `channel`. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter((s) => s[0] === channel).map((s) => s[1]);
  }
}

/** The Error Electron rejects a failed load with (code, errno and url as properties). */
function loadError(code: string, errno: number, url: string): Error {
  return Object.assign(new Error(`${code} (${errno}) loading '${url}'`), { code, errno, url });
}

// ---------------------------------------------------------------- windows

type WindowPick = Pick<
  Electron.BrowserWindow,
  | 'show'
  | 'hide'
  | 'focus'
  | 'isVisible'
  | 'isDestroyed'
  | 'destroy'
  | 'close'
  | 'setPosition'
  | 'getPosition'
  | 'getSize'
  | 'getBounds'
  | 'setAlwaysOnTop'
  | 'isAlwaysOnTop'
  | 'center'
  | 'loadFile'
  | 'loadURL'
  | 'setVisibleOnAllWorkspaces'
  | 'moveTop'
  | 'isFocused'
>;

/** `BrowserWindow`. Construction options are kept in {@link FakeBrowserWindow.options}. */
export class FakeBrowserWindow extends EventEmitter implements WindowPick {
  static instances: FakeBrowserWindow[] = [];
  /** When true (default), `loadFile`/`loadURL` emit 'ready-to-show' on the next tick, as Chromium would after the first paint. */
  static autoReadyToShow = true;

  readonly options: Electron.BrowserWindowConstructorOptions;
  readonly webContents: FakeWebContents;
  visible: boolean;
  focused = false;
  destroyed = false;
  alwaysOnTop: boolean;
  position: [number, number] = [0, 0];
  size: [number, number];
  /** Every call, in order, for timing-free sequence assertions. */
  calls: string[] = [];

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    this.options = options;
    this.visible = options.show ?? true;
    this.alwaysOnTop = options.alwaysOnTop ?? false;
    this.size = [options.width ?? 800, options.height ?? 600];
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('browser-window-created', new FakeEvent(), this);
    fake.app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }
  show(): void {
    this.calls.push('show');
    const was = this.visible;
    this.visible = true;
    if (!was) this.emit('show');
  }
  hide(): void {
    this.calls.push('hide');
    const was = this.visible;
    this.visible = false;
    this.focused = false;
    if (was) this.emit('hide');
  }
  /**
   * When true, the OS refuses to give this window focus: Windows' foreground lock
   * (SetForegroundWindow fails for a process that is not in the foreground; docs/api/browser-window.md
   * "win.focus()"), GNOME/KWin focus-stealing prevention. The window shows but stays unfocused.
   */
  refuseFocus = false;
  /** The options of every setVisibleOnAllWorkspaces call. */
  allWorkspaces: [boolean, Electron.VisibleOnAllWorkspacesOptions | undefined][] = [];
  focus(): void {
    this.calls.push('focus');
    if (this.refuseFocus) return;
    this.focused = true;
    this.emit('focus');
  }
  isFocused(): boolean {
    return this.focused;
  }
  /** The OS took focus elsewhere. */
  blur(): void {
    this.focused = false;
    this.emit('blur');
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  /** Like Electron: emits 'close' (preventable), then destroys. */
  close(): void {
    const e = new FakeEvent();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
  setPosition(x: number, y: number): void {
    this.calls.push(`setPosition(${x},${y})`);
    if (!Number.isInteger(x) || !Number.isInteger(y))
      throw new TypeError('Error processing argument: expected integer');
    this.position = [x, y];
  }
  getPosition(): number[] {
    return [...this.position];
  }
  getSize(): number[] {
    return [...this.size];
  }
  getBounds(): Electron.Rectangle {
    return { x: this.position[0], y: this.position[1], width: this.size[0], height: this.size[1] };
  }
  setAlwaysOnTop(flag: boolean): void {
    this.alwaysOnTop = flag;
  }
  isAlwaysOnTop(): boolean {
    return this.alwaysOnTop;
  }
  center(): void {
    this.calls.push('center');
  }
  moveTop(): void {
    this.calls.push('moveTop');
  }
  setVisibleOnAllWorkspaces(visible: boolean, options?: Electron.VisibleOnAllWorkspacesOptions): void {
    this.allWorkspaces.push([visible, options]);
  }
  loadFile(filePath: string, options?: Electron.LoadFileOptions): Promise<void> {
    this.calls.push('loadFile');
    return this.afterLoad(this.webContents.loadFile(filePath, options));
  }
  loadURL(url: string, options?: Electron.LoadURLOptions): Promise<void> {
    this.calls.push('loadURL');
    return this.afterLoad(this.webContents.loadURL(url, options));
  }
  /** A page that failed to load never paints: 'ready-to-show' follows only a load that succeeded. */
  private afterLoad(p: Promise<void>): Promise<void> {
    return p.then(() => {
      if (FakeBrowserWindow.autoReadyToShow) setImmediate(() => this.emit('ready-to-show'));
    });
  }
}

// ---------------------------------------------------------------- images, menus, tray

/** One representation: PNG bytes, or raw premultiplied BGRA (`bitmap`) of `width`×`height` pixels. */
export interface FakeImageRep {
  scaleFactor: number;
  buffer: Buffer;
  kind: 'png' | 'bitmap';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * What Electron makes of a buffer (shell/common/skia_util.cc
 * AddImageSkiaRepFromBuffer): PNG first (JPEG is not modelled), else raw N32
 * premultiplied pixels when width and height are given and the buffer holds
 * at least width×height×4 bytes; otherwise nothing.
 */
function repFromBuffer(buffer: Buffer, width = 0, height = 0, scaleFactor = 1): FakeImageRep | null {
  if (buffer.length >= 24 && buffer.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return { scaleFactor, buffer, kind: 'png', width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
  }
  if (width <= 0 || height <= 0 || buffer.length < width * height * 4) return null;
  return { scaleFactor, buffer: Buffer.from(buffer.subarray(0, width * height * 4)), kind: 'bitmap', width, height };
}

/** `NativeImage`: keeps each representation's bytes. */
export class FakeNativeImage implements Pick<
  Electron.NativeImage,
  'addRepresentation' | 'setTemplateImage' | 'isTemplateImage' | 'isEmpty' | 'getScaleFactors' | 'getSize'
> {
  reps: FakeImageRep[] = [];
  template = false;
  addRepresentation(options: Electron.AddRepresentationOptions): void {
    if (!options.buffer) throw new Error('FakeNativeImage: only buffer representations are modelled');
    // Electron ignores a buffer it cannot read (no throw); see repFromBuffer.
    const rep = repFromBuffer(options.buffer, options.width, options.height, options.scaleFactor);
    if (rep) this.reps.push(rep);
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
  isTemplateImage(): boolean {
    return this.template;
  }
  isEmpty(): boolean {
    return this.reps.length === 0;
  }
  getScaleFactors(): number[] {
    return this.reps.map((r) => r.scaleFactor);
  }
  /** Size in DIPs, from the first representation (as gfx::ImageSkia does). */
  getSize(): Electron.Size {
    const r = this.reps[0];
    return r ? { width: r.width / r.scaleFactor, height: r.height / r.scaleFactor } : { width: 0, height: 0 };
  }
}

/** `nativeImage` (the static side). */
export const fakeNativeImage = {
  createFromBuffer(buffer: Buffer, options?: Electron.CreateFromBufferOptions): FakeNativeImage {
    const img = new FakeNativeImage();
    // An undecodable buffer gives an empty image rather than throwing.
    const rep = repFromBuffer(buffer, options?.width, options?.height, options?.scaleFactor);
    if (rep) img.reps.push(rep);
    return img;
  },
  /**
   * As electron_api_native_image.cc NativeImage::CreateFromBitmap: width and
   * height are required, a size of 0 gives an empty image, and the buffer
   * must hold exactly width×height×4 bytes of N32 premultiplied pixels.
   */
  createFromBitmap(buffer: Buffer, options: Electron.CreateFromBitmapOptions): FakeNativeImage {
    if (!Buffer.isBuffer(buffer)) throw new Error('buffer must be a node Buffer');
    if (typeof options.width !== 'number') throw new Error('width is required');
    if (typeof options.height !== 'number') throw new Error('height is required');
    const img = new FakeNativeImage();
    // No decoding here: the bytes are pixels even if they look like a PNG.
    if (options.width <= 0 || options.height <= 0) return img;
    if (buffer.length !== options.width * options.height * 4) throw new Error('invalid buffer size');
    const { width, height, scaleFactor = 1 } = options;
    img.reps.push({ scaleFactor, buffer: Buffer.from(buffer), kind: 'bitmap', width, height });
    return img;
  },
  createEmpty(): FakeNativeImage {
    return new FakeNativeImage();
  },
} satisfies Pick<
  Record<keyof typeof Electron.nativeImage, unknown>,
  'createFromBuffer' | 'createFromBitmap' | 'createEmpty'
>;

/** `Menu`: built menus keep their template for inspection. */
export class FakeMenu implements Pick<Electron.Menu, 'popup' | 'closePopup'> {
  static built: FakeMenu[] = [];
  constructor(public template: Electron.MenuItemConstructorOptions[]) {}
  static buildFromTemplate(template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>): FakeMenu {
    const m = new FakeMenu(template as Electron.MenuItemConstructorOptions[]);
    FakeMenu.built.push(m);
    return m;
  }
  static setApplicationMenu(): void {}
  popup(): void {}
  closePopup(): void {}
  /** Items flattened through submenus, with their path of labels. */
  flat(): (Electron.MenuItemConstructorOptions & { path: string[] })[] {
    const out: (Electron.MenuItemConstructorOptions & { path: string[] })[] = [];
    const walk = (items: Electron.MenuItemConstructorOptions[], path: string[]) => {
      for (const it of items) {
        const p = [...path, it.label ?? it.type ?? ''];
        out.push({ ...it, path: p });
        if (Array.isArray(it.submenu)) walk(it.submenu as Electron.MenuItemConstructorOptions[], p);
      }
    };
    walk(this.template, []);
    return out;
  }
  /** The item at `labels` (a path through submenus), or throws. */
  item(...labels: string[]): Electron.MenuItemConstructorOptions {
    const found = this.flat().find((i) => i.path.join('\u0000') === labels.join('\u0000'));
    if (!found)
      throw new Error(
        `No menu item ${labels.join(' > ')}; have ${this.flat()
          .map((i) => i.path.join(' > '))
          .join(', ')}`,
      );
    return found;
  }
  /** Clicks the item at `labels` as a user would. */
  click(...labels: string[]): void {
    const it = this.item(...labels);
    if (it.enabled === false) throw new Error(`Menu item ${labels.join(' > ')} is disabled`);
    it.click?.({} as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent);
  }
}

/** `Tray`. Fire 'click' with `tray.emit('click', {}, bounds)`. */
export class FakeTray
  extends EventEmitter
  implements
    Pick<
      Electron.Tray,
      | 'setImage'
      | 'setToolTip'
      | 'setTitle'
      | 'setContextMenu'
      | 'popUpContextMenu'
      | 'getBounds'
      | 'destroy'
      | 'isDestroyed'
      | 'setIgnoreDoubleClickEvents'
    >
{
  static instances: FakeTray[] = [];
  image: FakeNativeImage | string;
  images: (FakeNativeImage | string)[] = [];
  toolTip = '';
  title = '';
  titleCalls = 0;
  contextMenu: FakeMenu | null = null;
  poppedUp: FakeMenu[] = [];
  bounds: Electron.Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  destroyed = false;
  constructor(image: FakeNativeImage | string) {
    super();
    this.image = image;
    this.images.push(image);
    FakeTray.instances.push(this);
  }
  setImage(image: Electron.NativeImage | string): void {
    this.image = image as unknown as FakeNativeImage;
    this.images.push(this.image);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setTitle(title: string): void {
    this.titleCalls++;
    this.title = title;
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.contextMenu = menu as unknown as FakeMenu | null;
  }
  popUpContextMenu(menu?: Electron.Menu): void {
    this.poppedUp.push((menu as unknown as FakeMenu) ?? this.contextMenu!);
  }
  getBounds(): Electron.Rectangle {
    return { ...this.bounds };
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  ignoreDoubleClickEvents = false;
  setIgnoreDoubleClickEvents(ignore: boolean): void {
    this.ignoreDoubleClickEvents = ignore;
  }
  /**
   * The user double-clicks the icon: the events real Electron emits (electron/electron at 96f3996d8d).
   * macOS (shell/browser/ui/tray_icon_cocoa.mm handleClickNotifications, run at each mouse-up): the
   * first mouse-up (clickCount 1) emits 'click'; the second (clickCount 2) emits 'double-click', or a
   * second 'click' when double clicks are ignored. Windows (shell/browser/ui/win/notify_icon.cc
   * HandleClickEvent: WM_LBUTTONDOWN then WM_LBUTTONDBLCLK) emits 'click' then 'double-click';
   * setIgnoreDoubleClickEvents is macOS-only there (shell/browser/api/electron_api_tray.cc). Linux
   * (StatusNotifierItem Activate) is not modelled: what a panel sends on a double click varies.
   */
  userDoubleClicks(platform: 'darwin' | 'win32'): void {
    const bounds = { ...this.bounds };
    this.emit('click', new FakeEvent(), bounds, { x: 0, y: 0 });
    if (platform === 'darwin' && this.ignoreDoubleClickEvents)
      this.emit('click', new FakeEvent(), bounds, { x: 0, y: 0 });
    else this.emit('double-click', new FakeEvent(), bounds);
  }
  /** The current image (fails when it is a path string). */
  get nativeImage(): FakeNativeImage {
    if (typeof this.image === 'string') throw new Error('tray image is a path');
    return this.image;
  }
}

// ---------------------------------------------------------------- app & friends

/** `app.commandLine`. */
/**
 * `app.commandLine`: the process's switches, those it was launched with included. Appending a switch
 * it already has replaces its value, as Chromium does (base/command_line.cc AppendSwitchNative:
 * `switches_` is a map, an existing key takes the new value), so `--enable-features` appended by the
 * app would overwrite the user's own.
 */
export class FakeCommandLine implements Pick<Electron.CommandLine, 'appendSwitch' | 'hasSwitch' | 'getSwitchValue'> {
  switches: [string, string | undefined][] = [];
  appendSwitch(the_switch: string, value?: string): void {
    this.switches.push([the_switch, value]);
  }
  hasSwitch(the_switch: string): boolean {
    return this.switches.some((s) => s[0] === the_switch);
  }
  getSwitchValue(the_switch: string): string {
    return this.switches.findLast((s) => s[0] === the_switch)?.[1] ?? '';
  }
}

/** `app`. Lifecycle events are fired with `fake.app.emit(...)`. */
export class FakeApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'requestSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'whenReady'
      | 'getPath'
      | 'getVersion'
      | 'getLocale'
      | 'getAppPath'
      | 'setLoginItemSettings'
      | 'getLoginItemSettings'
      | 'isReady'
      | 'setAppUserModelId'
      | 'relaunch'
      | 'hide'
      | 'focus'
      | 'setAppLogsPath'
      | 'setPath'
    >
{
  isPackaged = false;
  hasLock = true;
  ready = true;
  quitCalls = 0;
  exitCodes: number[] = [];
  paths: Record<string, string> = { userData: '/tmp/b24ut-test/userData', home: '/tmp/b24ut-test/home' };
  version = '0.1.0';
  locale = 'en-US';
  appPath = '/tmp/b24ut-test/app';
  loginItem: Electron.Settings = {};
  loginItemCalls: Electron.Settings[] = [];
  appUserModelId: string | null = null;
  /** `app.relaunch(options)` calls (the updater's AppImage restart). */
  relaunchCalls: Electron.RelaunchOptions[] = [];
  commandLine = new FakeCommandLine();
  dock: { hidden: boolean; hide(): void } | undefined = {
    hidden: false,
    hide() {
      this.hidden = true;
    },
  };

  /** What the last requestSingleInstanceLock call sent along (`additionalData`). */
  lockData: Record<string, unknown> | undefined = undefined;
  hideCalls = 0;
  focusCalls: (Electron.FocusOptions | undefined)[] = [];
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    this.lockData = additionalData;
    return this.hasLock;
  }
  hide(): void {
    this.hideCalls++;
  }
  setAppLogsPath(path?: string): void {
    this.paths.logs = path ?? `${this.paths.userData}/logs`;
  }
  setPath(name: string, path: string): void {
    this.paths[name] = path;
  }
  focus(options?: Electron.FocusOptions): void {
    this.focusCalls.push(options);
  }
  /**
   * A later launch of the app with `argv` (its own `process.argv`): fires 'second-instance' as
   * Electron does. The argv argument is Chromium's copy of the command line, which puts every
   * switch first, then the positional arguments, with Chromium's own switches among the switches
   * (electron/electron#20322, #32933; base/command_line.cc). `additionalData` is whatever the
   * second process passed to requestSingleInstanceLock, delivered intact (docs/api/app.md).
   */
  launchSecond(argv: string[], additionalData: unknown = { argv }, cwd = '/home/u'): void {
    const [exe = 'b24-unread-tray', ...rest] = argv;
    const switches = rest.filter((a) => a.startsWith('-'));
    const positional = rest.filter((a) => !a.startsWith('-'));
    const chromium = ['--allow-file-access-from-files', '--original-process-start-time=13349982291234567'];
    this.emit('second-instance', new FakeEvent(), [exe, ...switches, ...chromium, ...positional], cwd, additionalData);
  }
  quit(): void {
    this.quitCalls++;
  }
  exit(exitCode?: number): void {
    this.exitCodes.push(exitCode ?? 0);
  }
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.once('ready', () => resolve()));
  }
  isReady(): boolean {
    return this.ready;
  }
  /** Start-up reaches 'ready' (set `ready = false` first to run the code that must precede it). */
  becomeReady(): void {
    this.ready = true;
    this.emit('ready', new FakeEvent(), {});
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    const p = this.paths[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  getVersion(): string {
    return this.version;
  }
  getLocale(): string {
    return this.locale;
  }
  getAppPath(): string {
    return this.appPath;
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    this.loginItemCalls.push(settings);
    this.loginItem = { ...this.loginItem, ...settings };
  }
  getLoginItemSettings(): Electron.LoginItemSettings {
    return {
      openAtLogin: this.loginItem.openAtLogin ?? false,
      wasOpenedAtLogin: false,
      status: this.loginItem.openAtLogin ? 'enabled' : 'not-registered',
      executableWillLaunchAtLogin: this.loginItem.openAtLogin ?? false,
      launchItems: [],
    };
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  relaunch(options: Electron.RelaunchOptions = {}): void {
    this.relaunchCalls.push(options);
  }
}

type IpcHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** `ipcMain`. Call a handler as the renderer would with {@link FakeIpcMain.invoke}. */
export class FakeIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'> {
  handlers = new Map<string, IpcHandler>();
  handle(channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown): void {
    // Electron throws on a second handler for the same channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Invokes `channel` from `sender` (its main frame, unless `frame` is given). */
  async invoke(
    channel: string,
    from: { sender: FakeWebContents; frame?: FakeWebFrame | null },
    ...args: unknown[]
  ): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const frame = from.frame === undefined ? from.sender.mainFrame : from.frame;
    const event = {
      sender: from.sender,
      senderFrame: frame,
      frameId: 1,
      processId: 1,
      type: 'frame',
      preventDefault() {},
      defaultPrevented: false,
    } as unknown as Electron.IpcMainInvokeEvent;
    // Structured clone, as the real bridge does: functions and class instances do not survive.
    return structuredClone(await h(event, ...structuredClone(args)));
  }
}

/** `ipcRenderer` (preload side). `invokeImpl` answers invocations. */
export class FakeIpcRenderer extends EventEmitter implements Pick<Electron.IpcRenderer, 'invoke'> {
  invoked: [string, ...unknown[]][] = [];
  invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown> = () =>
    Promise.resolve({ ok: true, data: null });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.invokeImpl(channel, ...args);
  }
  /** Delivers a message from the main process, with an event object the preload must not leak. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this, senderId: 0, ports: [] }, payload);
  }
}

/** `contextBridge`. */
export class FakeContextBridge implements Pick<Electron.ContextBridge, 'exposeInMainWorld'> {
  exposed: Record<string, unknown> = {};
  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (apiKey in this.exposed)
      throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.exposed[apiKey] = api;
  }
}

/**
 * `globalShortcut`. Mark accelerators as taken by other programs with `taken.add()`.
 *
 * `waylandPortal = true` models a Linux Wayland session, where Electron hands shortcuts to the
 * XDG GlobalShortcuts portal (`IsRegistrationHandledExternally()`), as read in
 * shell/browser/api/electron_api_global_shortcut.cc (electron/electron@96f3996d8d):
 * - `register` stores the callback in `command_callback_map_` and returns true without waiting for
 *   the desktop: nobody can refuse it synchronously, so `taken` does not apply
 *   (electron/electron#52218). Registering the same accelerator again replaces its callback.
 * - `unregister` returns early unless the accelerator is in `accelerator_callback_map_`, which the
 *   portal path never fills: the shortcut stays, and pressing it still runs its callback.
 * - `unregisterAll` clears both maps (and Chromium's GlobalAcceleratorListenerLinux forgets the
 *   sessions, ui/base/accelerators/global_accelerator_listener/global_accelerator_listener_linux.cc
 *   UnregisterAccelerators), so nothing fires any more.
 */
export class FakeGlobalShortcut implements Pick<
  Electron.GlobalShortcut,
  'register' | 'unregister' | 'unregisterAll' | 'isRegistered'
> {
  registered = new Map<string, () => void>();
  /** Accelerators another program holds: `register` returns false for them (not on the Wayland portal). */
  taken = new Set<string>();
  /** A Linux Wayland session: shortcuts go through the desktop's GlobalShortcuts portal (see above). */
  waylandPortal = false;
  log: string[] = [];
  register(accelerator: string, callback: () => void): boolean {
    this.log.push(`register ${accelerator}`);
    // Electron throws for a string it cannot parse as an accelerator.
    if (!isPlausibleAccelerator(accelerator)) {
      throw new Error(`Error processing argument at index 0, conversion failure from ${accelerator}`);
    }
    if (this.waylandPortal) {
      this.registered.set(accelerator, callback);
      return true;
    }
    if (this.taken.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.log.push(`unregister ${accelerator}`);
    if (this.waylandPortal) return; // not in accelerator_callback_map_: Unregister returns early
    this.registered.delete(accelerator);
  }
  unregisterAll(): void {
    this.log.push('unregisterAll');
    this.registered.clear();
  }
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }
  /** The user pressed `accelerator`. */
  press(accelerator: string): void {
    const cb = this.registered.get(accelerator);
    if (!cb) throw new Error(`${accelerator} is not registered`);
    cb();
  }
}

const MODIFIERS = new Set([
  'Command',
  'Cmd',
  'Control',
  'Ctrl',
  'CommandOrControl',
  'CmdOrCtrl',
  'Alt',
  'Option',
  'AltGr',
  'Shift',
  'Super',
  'Meta',
]);

/** A rough model of Electron's accelerator parser: modifiers joined by '+', one key last. */
function isPlausibleAccelerator(a: string): boolean {
  if (typeof a !== 'string' || a === '' || /\s/.test(a)) return false;
  const parts = a.split('+');
  const key = parts.pop()!;
  if (!parts.every((p) => MODIFIERS.has(p))) return false;
  return /^([A-Z0-9]|F([1-9]|1[0-9]|2[0-4])|Plus|Space|Tab|Backspace|Delete|Insert|Return|Enter|Up|Down|Left|Right|Home|End|PageUp|PageDown|Escape|Esc|[`\-=[\];',./\\])$/i.test(
    key,
  );
}

/**
 * `safeStorage`, modelled on Electron 45's shell/browser/api/electron_api_safe_storage.cc
 * (electron/electron@96f3996d8d) over Chromium's os_crypt async encryptor. Electron 45 has the async
 * API (isAsyncEncryptionAvailable, encryptStringAsync, decryptStringAsync; electron.d.ts) and marks
 * the sync calls deprecated; {@link FakeSafeStorage.removeSyncApi} models a later Electron without
 * them. The cipher is a reversible fake (one XOR mask per key), the prefixes are real:
 *
 * - Windows: `v10` + AES-256-GCM under a random key kept DPAPI-protected in Local State
 *   (chromium components/os_crypt/async/browser/dpapi_key_provider.cc: kKeyTag "v10").
 * - macOS: `v10` under a key derived from the app's Keychain password (os_crypt_mac.mm,
 *   keychain_key_provider.mm). Both are real encryption whenever the app is ready.
 * - Linux (browser_process_impl.cc CreateOSCryptAsync): the freedesktop Secret Service provider
 *   (`v11`, precedence 10) over the built-in provider (`v10`, PBKDF2 of the hard-coded password
 *   "peanuts": posix_key_provider.cc, precedence 5). OSCryptAsync encrypts with the highest
 *   provider that gave a key (os_crypt_async.cc HandleKey); one that failed is kept as
 *   "temporarily unavailable" (freedesktop_secret_key_provider.cc FinalizeFailure), so new data
 *   goes under `v10` and `v11` data cannot be read: `decryptStringAsync` rejects with
 *   "…temporarily unavailable. Please try again." (encryptor.cc DecryptData sets
 *   `temporarily_unavailable`; electron_api_safe_storage.cc turns it into that message).
 *   `isAsyncEncryptionAvailable` resolves true either way (OnOsCryptReady sets is_available_).
 *   `getSelectedStorageBackend` is only the start-up guess from the desktop environment
 *   (electron_browser_main_parts.cc: os_crypt::SelectBackend), set here apart in `backend`.
 *
 * The encryptor is made once, by the first async call after `ready`, and kept for the process
 * (SafeStorage::EnsureAsyncEncryptorRequested): `keyring` is read then and not again.
 */
export class FakeSafeStorage implements Pick<
  Electron.SafeStorage,
  | 'isEncryptionAvailable'
  | 'getSelectedStorageBackend'
  | 'encryptString'
  | 'decryptString'
  | 'isAsyncEncryptionAvailable'
  | 'encryptStringAsync'
  | 'decryptStringAsync'
> {
  /** Which OS this is (the prefixes and key providers differ). */
  platform: 'linux' | 'win32' | 'darwin' = 'linux';
  /** The app has emitted `ready` (before it, the async calls refuse and availability is false). */
  ready = true;
  /**
   * Linux: what the Secret Service (gnome-keyring, KWallet) gives the async encryptor when it is
   * made: `unlocked` a key (`v11`), `locked` or `none` nothing (new data under the built-in `v10` key).
   */
  keyring: 'unlocked' | 'locked' | 'none' = 'unlocked';
  /** Linux: `getSelectedStorageBackend()`, the start-up guess from the desktop environment. */
  backend: ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> = 'gnome_libsecret';
  /**
   * Linux: a keyring prompt is open (unlock the locked keyring, or create the first one) until this
   * settles. The Secret Service key provider waits for the prompt's answer, and the async encryptor
   * is made only after it (chromium components/os_crypt/async/browser/freedesktop_secret_key_provider.cc:
   * UnlockDefaultCollection / CreateCollection go through `Prompter`, finished by the prompt's
   * `Completed` signal; electron_api_safe_storage.cc keeps `isAsyncEncryptionAvailable`'s promise
   * pending until OnOsCryptReady): every async call waits for it. Set `keyring` to what the
   * answer gave before settling it.
   */
  prompt: Promise<void> | null = null;
  /** The keyring state the encryptor was made with (null until the first async call). */
  private madeWith: 'unlocked' | 'locked' | 'none' | null = null;

  private encryptor(): { keyringKey: boolean } {
    this.madeWith ??= this.keyring;
    return { keyringKey: this.platform !== 'linux' || this.madeWith === 'unlocked' };
  }
  /** The encryptor, once it is made (after an open prompt's answer). */
  private async madeEncryptor(): Promise<{ keyringKey: boolean }> {
    if (this.madeWith === null && this.prompt && this.platform === 'linux') await this.prompt;
    return this.encryptor();
  }
  /** The tag new data is written under. */
  private tag(keyringKey: boolean): 'v10' | 'v11' {
    return this.platform === 'linux' && keyringKey ? 'v11' : 'v10';
  }
  private static seal(tag: string, plain: string): Buffer {
    const mask = tag === 'v11' ? 0x3c : 0x5a;
    return Buffer.concat([Buffer.from(tag), Buffer.from(plain, 'utf8').map((b) => b ^ mask)]);
  }
  private static open(data: Buffer): string {
    const mask = data.subarray(0, 3).toString() === 'v11' ? 0x3c : 0x5a;
    return Buffer.from(data.subarray(3).map((b) => b ^ mask)).toString('utf8');
  }

  isEncryptionAvailable(): boolean {
    if (!this.ready) return false;
    // Sync OSCrypt on Linux: real only with a keyring key (os_crypt_linux.cc IsEncryptionAvailable).
    return this.platform !== 'linux' || (this.backend !== 'basic_text' && this.keyring === 'unlocked');
  }
  getSelectedStorageBackend(): ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> {
    return this.ready ? this.backend : 'unknown';
  }
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    if (!this.ready) return false;
    await this.madeEncryptor();
    return true;
  }
  async encryptStringAsync(plainText: string): Promise<Buffer> {
    if (!this.ready) throw new Error('safeStorage cannot be used before app is ready');
    return FakeSafeStorage.seal(this.tag((await this.madeEncryptor()).keyringKey), plainText);
  }
  async decryptStringAsync(encrypted: Buffer): Promise<Electron.DecryptStringAsyncReturnValue> {
    if (!this.ready) throw new Error('safeStorage cannot be used before app is ready');
    if (!Buffer.isBuffer(encrypted)) {
      throw new Error('Expected the first argument of decryptStringAsync() to be a buffer');
    }
    if (encrypted.length === 0) return { shouldReEncrypt: false, result: '' };
    const { keyringKey } = await this.madeEncryptor();
    const tag = encrypted.subarray(0, 3).toString();
    const known = this.platform === 'linux' ? ['v10', 'v11'] : ['v10'];
    if (!known.includes(tag)) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.');
    }
    if (tag === 'v11' && !keyringKey) {
      throw new Error('safeStorage.decryptStringAsync is temporarily unavailable. Please try again.');
    }
    // encryptor.cc: should_reencrypt when the data's provider is not the one new data goes under.
    return { shouldReEncrypt: tag !== this.tag(keyringKey), result: FakeSafeStorage.open(encrypted) };
  }
  /** Drops the synchronous calls, as an Electron without them would not have them at all. */
  removeSyncApi(): void {
    const self = this as unknown as Record<string, unknown>;
    self.isEncryptionAvailable = undefined;
    self.encryptString = undefined;
    self.decryptString = undefined;
  }
  encryptString(plainText: string): Buffer {
    if (!this.ready)
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    // Sync OSCrypt: `v11` with a keyring key, else the built-in `v10` (os_crypt_linux.cc EncryptString).
    return FakeSafeStorage.seal(this.tag(this.isEncryptionAvailable()), plainText);
  }
  decryptString(encrypted: Buffer): string {
    if (!this.ready)
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
      );
    const tag = encrypted.subarray(0, 3).toString();
    if (tag !== 'v10' && tag !== 'v11') {
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Ciphertext does not appear to be encrypted.',
      );
    }
    if (tag === 'v11' && !this.isEncryptionAvailable()) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    return FakeSafeStorage.open(encrypted);
  }
}

/** `screen`. Set `displays` and `cursor`. */
export class FakeScreen
  extends EventEmitter
  implements
    Pick<Electron.Screen, 'getAllDisplays' | 'getCursorScreenPoint' | 'getPrimaryDisplay' | 'getDisplayNearestPoint'>
{
  cursor: Electron.Point = { x: 100, y: 100 };
  displays: Electron.Display[] = [
    fakeDisplay({ x: 0, y: 0, width: 1920, height: 1080 }, { x: 0, y: 0, width: 1920, height: 1040 }),
  ];
  getAllDisplays(): Electron.Display[] {
    return this.displays;
  }
  getCursorScreenPoint(): Electron.Point {
    return { ...this.cursor };
  }
  getPrimaryDisplay(): Electron.Display {
    return this.displays[0]!;
  }
  getDisplayNearestPoint(point: Electron.Point): Electron.Display {
    return (
      this.displays.find(
        (d) =>
          point.x >= d.bounds.x &&
          point.x < d.bounds.x + d.bounds.width &&
          point.y >= d.bounds.y &&
          point.y < d.bounds.y + d.bounds.height,
      ) ?? this.displays[0]!
    );
  }
}

/** A `Display` with the given bounds and work area. */
export function fakeDisplay(
  bounds: Electron.Rectangle,
  workArea: Electron.Rectangle,
  scaleFactor = 1,
): Electron.Display {
  return {
    id: Math.floor(Math.random() * 1e9),
    bounds,
    workArea,
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: workArea.width, height: workArea.height },
    scaleFactor,
    rotation: 0,
    internal: false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    colorDepth: 24,
    colorSpace: '',
    depthPerComponent: 8,
    detected: true,
    displayFrequency: 60,
    label: 'Fake display',
    maximumCursorSize: { width: 0, height: 0 },
    nativeOrigin: { x: bounds.x, y: bounds.y },
    touchSupport: 'unknown',
  };
}

/**
 * `protocol`. `registerSchemesAsPrivileged` throws after ready, `handle` throws for a scheme that
 * already has a handler (docs/api/protocol.md). {@link FakeProtocol.fetch} runs a handler as
 * Chromium would for a request; null when the scheme has none.
 */
export class FakeProtocol implements Pick<
  Electron.Protocol,
  'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'
> {
  privileged: Electron.CustomScheme[] = [];
  handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    if (fake.app.isReady()) {
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    }
    this.privileged.push(...customSchemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
  async fetch(url: string, init?: RequestInit): Promise<Response | null> {
    const h = this.handlers.get(new URL(url).protocol.slice(0, -1));
    return h ? h(new Request(url, init)) : null;
  }
}

/**
 * `autoUpdater` (the native one electron-updater's MacUpdater drives). `quitAndInstall` emits
 * 'before-quit-for-update' on app, then closes every window, and quits only when all of them
 * closed (docs/api/auto-updater.md "autoUpdater.quitAndInstall()": "closes all application windows
 * first"; a window that cancels 'close' stops the quit, as app.quit() would).
 */
export class FakeAutoUpdater extends EventEmitter implements Pick<Electron.AutoUpdater, 'quitAndInstall'> {
  installed = false;
  quitAndInstall(): void {
    this.emit('before-quit-for-update');
    for (const w of FakeBrowserWindow.getAllWindows()) w.close();
    if (FakeBrowserWindow.getAllWindows().length > 0) return;
    this.installed = true;
    fake.app.quit();
  }
}

/**
 * `net`: Chromium's network stack. Offline by default; tests that need answers set `fetchImpl`
 * (the server: what it receives carries the `Cookie` header Chromium would add).
 *
 * Cookies as Electron 45 handles them (electron/electron@96f3996d8d): `net.fetch` is
 * `session.defaultSession.fetch` (lib/browser/api/net.ts:21-22, lib/browser/api/session.ts:44-45),
 * which builds a `Request` — whose `credentials` default to 'same-origin' — and, with no Origin
 * header, turns that into 'include' (lib/browser/api/net-fetch.ts:83-85: "We can't set
 * credentials to same-origin unless there's an origin set"). A request that names its credentials
 * loads with the session's cookies (shell/common/api/electron_api_url_loader.cc:641-642, 705-710:
 * only when none is named are all cookies blocked). So with 'include' the session's cookies for
 * the URL are sent and the answer's Set-Cookie is stored in the jar; with 'omit' neither.
 * `requests` records what reached Chromium: the URL, the credentials mode net-fetch.ts resolved
 * and the cache mode (net-fetch.ts:94 passes `req.cache`; 'no-store' is LOAD_DISABLE_CACHE,
 * electron_api_url_loader.cc:657-659).
 */
export class FakeNet implements Pick<Electron.Net, 'isOnline' | 'fetch'> {
  online = true;
  fetchImpl: (input: string, init?: RequestInit) => Promise<Response> = (input) =>
    Promise.reject(new TypeError(`net::ERR_INTERNET_DISCONNECTED ${input}`));
  requests: { url: string; credentials: RequestCredentials; cache: RequestCache }[] = [];
  isOnline(): boolean {
    return this.online;
  }
  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input.url;
    const req = new Request(url, { headers: init?.headers, credentials: init?.credentials, cache: init?.cache });
    const origin = req.headers.get('origin');
    const credentials = req.credentials === 'same-origin' && !origin ? 'include' : req.credentials;
    this.requests.push({ url, credentials, cache: req.cache });
    const withCookies = credentials === 'include' || (credentials === 'same-origin' && new URL(url).origin === origin);
    const jar = fake.session.defaultSession.cookies;
    const headers = new Headers(init?.headers);
    const cookie = withCookies ? jar.headerFor(url) : null;
    if (cookie !== null) headers.set('cookie', cookie);
    const res = await this.fetchImpl(url, { ...init, headers });
    if (withCookies) jar.store(url, res.headers.getSetCookie());
    return res;
  }
}

/** The fuses of the running binary (electron-builder.yml `electronFuses` in a packaged build). */
export interface FakeFuses {
  grantFileProtocolExtraPrivileges: boolean;
}

/** `shell`. */
export class FakeShell implements Pick<Electron.Shell, 'openExternal'> {
  opened: string[] = [];
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  }
}

/** `Notification`. Fire a click with `FakeNotification.instances[0].emit('click')`. */
export class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close'> {
  static instances: FakeNotification[] = [];
  static supported = true;
  /**
   * The system's refusal of every notification, or null when it shows them. isSupported() says only
   * that a presenter exists (electron@96f3996d8d shell/browser/api/electron_api_notification.cc:322-324),
   * not that anything can show: on Linux libnotify loads without a notification server running and
   * notify_notification_show fails (shell/browser/notifications/linux/libnotify_notification.cc:187-191),
   * an unsigned macOS build is refused by UNNotification (docs/api/notification.md; mac/
   * cocoa_notification.mm:202-216), Windows refuses when the app's notifications are off
   * (win/windows_toast_notification.cc:86). Each then emits 'failed' (event, error) instead of
   * 'show' (electron_api_notification.cc:248-249).
   */
  static refusal: string | null = null;
  shown = false;
  constructor(public options: Electron.NotificationConstructorOptions = {}) {
    super();
    FakeNotification.instances.push(this);
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    if (FakeNotification.refusal !== null) {
      this.emit('failed', new FakeEvent(), FakeNotification.refusal);
      return;
    }
    this.shown = true;
    this.emit('show', new FakeEvent());
  }
  close(): void {
    this.emit('close', new FakeEvent());
  }
}

/** `nativeTheme`. */
export class FakeNativeTheme
  extends EventEmitter
  implements Pick<Electron.NativeTheme, 'shouldUseDarkColors' | 'shouldUseDarkColorsForSystemIntegratedUI'>
{
  shouldUseDarkColors = false;
  /** Windows: the taskbar's theme, which can differ from the apps' (docs/api/native-theme.md). */
  shouldUseDarkColorsForSystemIntegratedUI = false;
}

// ---------------------------------------------------------------- the module

/** The doubles, addressable by tests. */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  contextBridge: new FakeContextBridge(),
  globalShortcut: new FakeGlobalShortcut(),
  safeStorage: new FakeSafeStorage(),
  screen: new FakeScreen(),
  shell: new FakeShell(),
  powerMonitor: new EventEmitter(),
  nativeTheme: new FakeNativeTheme(),
  protocol: new FakeProtocol(),
  autoUpdater: new FakeAutoUpdater(),
  net: new FakeNet(),
  /** Electron's defaults (an unpackaged binary); a packaged build sets them from electron-builder.yml. */
  fuses: { grantFileProtocolExtraPrivileges: true } as FakeFuses,
  session: { defaultSession: new FakeSession() },
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: FakeMenu,
  Notification: FakeNotification,
  nativeImage: fakeNativeImage,
};

const named = {
  app: fake.app,
  ipcMain: fake.ipcMain,
  ipcRenderer: fake.ipcRenderer,
  contextBridge: fake.contextBridge,
  globalShortcut: fake.globalShortcut,
  safeStorage: fake.safeStorage,
  screen: fake.screen,
  shell: fake.shell,
  powerMonitor: fake.powerMonitor,
  nativeTheme: fake.nativeTheme,
  protocol: fake.protocol,
  autoUpdater: fake.autoUpdater,
  net: fake.net,
  session: fake.session,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: FakeMenu,
  Notification: FakeNotification,
  nativeImage: fakeNativeImage,
} satisfies Partial<Record<keyof ElectronModule, unknown>>;

/** What `vi.mock('electron', …)` should return: the named exports plus `default` (electron-store imports the default). */
export const electronModule = { ...named, default: named };

/** Puts every double back to its initial state, in place. */
export function resetElectronMock(): void {
  const fresh = {
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    ipcRenderer: new FakeIpcRenderer(),
    contextBridge: new FakeContextBridge(),
    globalShortcut: new FakeGlobalShortcut(),
    safeStorage: new FakeSafeStorage(),
    screen: new FakeScreen(),
    shell: new FakeShell(),
    nativeTheme: new FakeNativeTheme(),
    protocol: new FakeProtocol(),
    autoUpdater: new FakeAutoUpdater(),
    net: new FakeNet(),
  };
  for (const [key, value] of Object.entries(fresh)) {
    const target = fake[key as keyof typeof fresh] as unknown as EventEmitter & Record<string, unknown>;
    if (target instanceof EventEmitter) target.removeAllListeners();
    // Keep the identity (the code under test holds it), replace the state.
    for (const k of Object.keys(target)) if (!k.startsWith('_')) delete target[k];
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('_')) target[k] = v;
  }
  fake.powerMonitor.removeAllListeners();
  fake.fuses.grantFileProtocolExtraPrivileges = true;
  fake.session.defaultSession = new FakeSession();
  FakeBrowserWindow.instances = [];
  FakeBrowserWindow.autoReadyToShow = true;
  FakeTray.instances = [];
  FakeMenu.built = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  FakeNotification.refusal = null;
}
