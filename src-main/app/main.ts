// The one assembly point of the desktop app (CONVENTIONS.md §6): open the encrypted store
// (migrations first), build the services, register IPC, then open the window.
import { app, BrowserWindow, dialog, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { openServices, type Services } from '../core/services.ts';
import { registerIpc, broadcast } from '../ipc/register.ts';
import { createMainWindow } from '../windows/main-window.ts';
import { createLogger } from '../platform/logger.ts';

const log = createLogger('app');

export async function startApp(): Promise<void> {
  let services: Services;
  try {
    // MAILBRIDGE_PROFILE_DIR lets tests and power users point the app at another profile.
    services = await openServices({ profileDir: process.env.MAILBRIDGE_PROFILE_DIR || app.getPath('userData') });
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
  const unsubscribe = services.onSyncProgress((progress) => broadcast([window], 'sync:progress', progress));

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    unsubscribe();
    unregister();
    services.close();
  });
}
