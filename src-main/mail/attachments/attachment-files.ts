// Opening and saving attachments. The stored raw source is parsed again (postal-mime, the
// parser that listed the attachments, so index i is the same part) and the part decoded into
// a private folder inside the profile (0700, files 0600) that is emptied before the first
// open of a run and on quit (so a CLI run never touches the app's open files); the OS's
// handler opens it from there (Electron shell.openPath, xdg-open headless). Programs,
// scripts and shortcuts are never opened, only saved: a mail attachment is the commonest way
// malware arrives. Saving asks the desktop where (a save dialog in the app) and writes there.
// The renderer names an attachment by message id and index and never sees a path.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { AppError } from '../../platform/app-error.ts';
import { createLogger } from '../../platform/logger.ts';
import { ensurePrivateDir } from '../../platform/paths.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { safeFileName } from './safe-file-name.ts';

const log = createLogger('mail.attachments');

/**
 * File types the system would run rather than show: Windows programs, scripts and shortcuts,
 * macOS apps and terminal commands, Linux desktop entries and shell scripts.
 */
const RUNNABLE = /\.(exe|com|scr|pif|bat|cmd|msi|msp|cpl|jar|js|jse|vbs|vbe|wsf|wsh|hta|ps1|psm1|lnk|url|scf|reg|inf|app|command|terminal|tool|fileloc|pkg|dmg|desktop|sh|run|appimage)$/i;

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException)?.code ?? String(error);

/** What the desktop does with a file: the Electron shell in the app, xdg-open and ~/Downloads headless. */
export interface DesktopFiles {
  /** Opens the file with the system's handler for its type. */
  openPath(path: string): Promise<void>;
  /** Where to save a file suggested as `fileName` (safe already); null when the rep cancels. */
  chooseSavePath(fileName: string): Promise<string | null>;
}

export interface AttachmentFilesOptions {
  store: Pick<ProfileStore, 'messages'>;
  /** The private folder decoded attachments are opened from (created 0700, emptied now and on clear()). */
  directory: string;
  desktop: DesktopFiles;
  /** Brings a message whose source only the provider holds back to this computer first. */
  ensureSource?(messageId: number): Promise<void>;
}

export class AttachmentFiles {
  readonly #o: AttachmentFilesOptions;
  #opened = 0;

  constructor(options: AttachmentFilesOptions) {
    this.#o = options;
  }

  /**
   * Decodes attachment `index` of the message into the private folder and opens it. Rejects
   * with invalid_input for a program, script or shortcut (see RUNNABLE), which can be saved only.
   */
  async open(messageId: number, index: number): Promise<void> {
    const { fileName, content } = await this.#decode(messageId, index);
    if (RUNNABLE.test(fileName)) {
      throw new AppError('invalid_input', `${fileName} is a program or script, which Mailbridge does not open: save it and check it first`);
    }
    // What an earlier run left (it may have crashed) goes before this run's first open.
    if (this.#opened === 0) this.clear();
    // One subfolder per open: two attachments both called "invoice.pdf" never collide.
    const folder = join(this.#o.directory, String(++this.#opened));
    ensurePrivateDir(folder);
    const path = join(folder, fileName);
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
    await this.#o.desktop.openPath(path);
  }

  /** Saves attachment `index` where the rep chooses; resolves to the name saved, or null if cancelled. */
  async save(messageId: number, index: number): Promise<string | null> {
    const { fileName, content } = await this.#decode(messageId, index);
    const path = await this.#o.desktop.chooseSavePath(fileName);
    if (path === null) return null;
    writeFileSync(path, content, { mode: 0o600 });
    log.info('attachment saved', { messageId, index, bytes: content.byteLength });
    return path.split(/[/\\]/).pop() ?? fileName;
  }

  /** Empties the private folder; best effort, since a file still open elsewhere (Windows) cannot go. */
  clear(): void {
    try {
      rmSync(this.#o.directory, { recursive: true, force: true });
      mkdirSync(this.#o.directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      log.warn('opened attachments could not all be removed; they go next time', { error: errorCode(error) });
    }
  }

  /** On quit: empties the folder if this run opened anything. */
  close(): void {
    if (this.#opened > 0) this.clear();
  }

  async #decode(messageId: number, index: number): Promise<{ fileName: string; content: Uint8Array }> {
    if (this.#o.store.messages.getMessage(messageId)?.serverOnly) await this.#o.ensureSource?.(messageId);
    const message = this.#o.store.messages.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'this message is no longer on this computer');
    if (index >= message.attachments.length) throw new AppError('not_found', 'this message has no such attachment');
    if (message.raw.byteLength === 0) throw new AppError('not_found', 'the message source is not on this computer');
    const email = await PostalMime.parse(message.raw, { attachmentEncoding: 'arraybuffer' });
    const part = email.attachments[index];
    if (!part || email.attachments.length !== message.attachments.length) {
      throw new AppError('internal', 'the attachment could not be found in the message source again');
    }
    const content = typeof part.content === 'string' ? new TextEncoder().encode(part.content) : new Uint8Array(part.content);
    return { fileName: safeFileName(part.filename, `attachment-${index + 1}`), content };
  }
}
