// Electron entry: one instance per profile, then the ordered start-up in app/main.ts.
import { app } from 'electron';
import { startApp } from './app/main.ts';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(startApp);
}
