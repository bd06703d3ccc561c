// The one assembly point of the desktop app (CONVENTIONS.md §6): open the encrypted store
// (migrations first), build the services, register IPC and events, open the window, then
// start background work (sync schedule, deep links).
import { app, BrowserWindow, dialog, net, powerMonitor, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { openServices, type Services } from './assemble.ts';
import { registerIpc, broadcast } from '../ipc/register.ts';
import { createMainWindow } from '../windows/main-window.ts';
import { AppError } from '../platform/app-error.ts';
import { createLogger } from '../platform/logger.ts';

const log = createLogger('app');

export async function startApp(deepLinks: { attach(deliver: (url: string) => void): void }): Promise<void> {
  let services: Services;
  try {
    // MAILBRIDGE_PROFILE_DIR lets tests and power users point the app at another profile.
    services = await openServices({
      profileDir: process.env.MAILBRIDGE_PROFILE_DIR || app.getPath('userData'),
      openBrowser: (url) => shell.openExternal(url),
      online: () => net.isOnline(),
      desktop: {
        openPath: async (path) => {
          const failure = await shell.openPath(path);
          if (failure) throw new AppError('internal', `the file could not be opened: ${failure}`);
        },
        chooseSavePath: async (fileName) => {
          const parent = BrowserWindow.getFocusedWindow();
          const options = { defaultPath: join(app.getPath('downloads'), fileName) };
          const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
          return choice.canceled || !choice.filePath ? null : choice.filePath;
        },
      },
    });
  } catch (error) {
    log.error('start-up failed', { error });
    dialog.showErrorBox('Mailbridge cannot start', error instanceof Error ? error.message : String(error));
    app.quit();
    return;
  }

  const outDir = join(import.meta.dirname, '..');
  const window = createMainWindow(outDir);
  const isOwnWindow = (event: IpcMainInvokeEvent) =>
    BrowserWindow.fromWebContents(event.sender) === window && event.senderFrame === window.webContents.mainFrame;
  const unregister = registerIpc(services.handlers, isOwnWindow);
  const unsubscribe = services.onEvent((event) => broadcast([window], event.name, event.payload as never));
  services.startBackgroundSync();
  // Asleep, nothing syncs; on wake every mailbox catches up at once.
  powerMonitor.on('suspend', () => services.suspendBackgroundSync());
  powerMonitor.on('resume', () => services.resumeBackgroundSync());

  deepLinks.attach((url) => {
    if (window.isMinimized()) window.restore();
    window.focus();
    if (!services.handleDeepLink(url)) log.warn('deep link not expected; ignored');
  });
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting) return;
    // Hold the quit until the outbox has recorded any send under way and the store is closed.
    quitting = true;
    event.preventDefault();
    unsubscribe();
    unregister();
    void services.close().finally(() => app.exit(0));
  });
}
