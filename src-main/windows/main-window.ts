// The one application window, locked down: sandboxed renderer with context isolation and
// no Node, a strict CSP, no navigation away from the app, and https links handed to the
// system browser instead of opening inside the app.
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { RENDERER_CSP } from '../platform/renderer-csp.ts';


/**
 * The 512 px app icon (resources/icon.png, rendered by `npm run icons`): beside the repo in
 * development (`outDir` is out/), shipped by electron-builder's extraResources when packaged.
 */
function windowIconPath(outDir: string): string {
  return join(app.isPackaged ? process.resourcesPath : join(outDir, '..', 'resources'), 'icon.png');
}

export function createMainWindow(outDir: string): BrowserWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Mailbridge',
    // macOS takes the window icon from the app bundle and ignores this option.
    ...(process.platform === 'darwin' ? {} : { icon: windowIconPath(outDir) }),
    webPreferences: {
      preload: join(outDir, 'preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const rendererUrl = new URL(`file://${join(outDir, 'renderer/index.html')}`);

  window.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).href !== rendererUrl.href) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererUrl.href);
  return window;
}
