// Electron entry: one instance per profile (later launches, e.g. by a mailbridge:// link,
// hand their argv to this one), deep-link listening before 'ready', then app/main.ts.
import { app } from 'electron';
import { startApp } from './app/main.ts';
import { listenForDeepLinks } from './app/deep-links.ts';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const deepLinks = listenForDeepLinks();
  void app.whenReady().then(() => startApp(deepLinks));
}
