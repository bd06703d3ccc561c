// Binds the contract to Electron IPC: one ipcMain.handle per channel, requests from
// anything but our own windows' main frames are refused, payloads go through dispatch().
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, err, type EventName, type EventPayload } from '../../src-preload/contract/index.ts';
import { dispatch, type Handlers } from './dispatch.ts';

export function registerIpc(handlers: Handlers, isOwnWindow: (event: IpcMainInvokeEvent) => boolean): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, input: unknown) =>
      isOwnWindow(event) ? dispatch(handlers, channel, input) : err('invalid_input', 'sender refused'),
    );
  }
  return () => CHANNEL_NAMES.forEach((channel) => ipcMain.removeHandler(channel));
}

export function broadcast<E extends EventName>(windows: BrowserWindow[], event: E, payload: EventPayload<E>): void {
  for (const window of windows) if (!window.isDestroyed()) window.webContents.send(event, payload);
}
