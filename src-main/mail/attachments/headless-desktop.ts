// DesktopFiles without Electron (the headless renderer server, the CLI): the platform opener
// (xdg-open, open, rundll32: one argv element, no shell) and the Downloads folder, where a
// name already taken becomes "name (1).ext" as browsers do. The app uses the Electron shell
// and a save dialog instead (app/main.ts).
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { openWithSystem } from '../../auth/system-browser.ts';
import type { DesktopFiles } from './attachment-files.ts';

export function headlessDesktopFiles(downloads = process.env.XDG_DOWNLOAD_DIR || join(homedir(), 'Downloads')): DesktopFiles {
  return {
    openPath: openWithSystem,
    chooseSavePath: async (fileName) => {
      mkdirSync(downloads, { recursive: true });
      return freePath(downloads, fileName);
    },
  };
}

/** `dir/fileName`, or `dir/stem (n).ext` with the first n not taken. */
export function freePath(dir: string, fileName: string): string {
  const extension = extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  let candidate = join(dir, fileName);
  for (let n = 1; existsSync(candidate); n++) candidate = join(dir, `${stem} (${n})${extension}`);
  return candidate;
}
