// The part of hoodiecrow-imap (https://github.com/andris9/hoodiecrow) the Gmail IMAP emulator uses; it ships no types.
declare module 'hoodiecrow-imap' {
  import type { Server, Socket } from 'node:net';

  export interface HoodiecrowMessage {
    raw: string;
    flags?: string[];
    internaldate?: string;
    uid?: number;
    'X-GM-LABELS'?: string[];
    'X-GM-MSGID'?: string;
    /** CONDSTORE plugin (RFC 7162). */
    MODSEQ?: number;
  }

  export interface HoodiecrowMailbox {
    path?: string;
    'special-use'?: string;
    flags?: string[];
    messages?: HoodiecrowMessage[];
    folders?: Record<string, HoodiecrowMailbox>;
    separator?: string;
    uidvalidity?: number;
    HIGHESTMODSEQ?: number;
  }

  export interface HoodiecrowOptions {
    plugins?: string[];
    secureConnection?: boolean;
    credentials?: { key: string | Buffer; cert: string | Buffer };
    users?: Record<string, { password: string }>;
    id?: Record<string, string>;
    storage?: Record<string, HoodiecrowMailbox>;
  }

  export interface HoodiecrowAttribute {
    type: string;
    value: string;
  }

  export interface HoodiecrowCommand {
    tag: string;
    command: string;
    attributes?: HoodiecrowAttribute[];
  }

  export interface HoodiecrowConnection {
    socket: Socket;
    /** "Not Authenticated", "Authenticated", "Selected" or "Logout" (RFC 3501 §3). */
    state: string;
    /** ENABLE plugin: the extensions this session enabled (RFC 5161). */
    enabled: string[];
    send(response: HoodiecrowCommand, description: string, parsed?: HoodiecrowCommand): void;
    selectedMailbox?: HoodiecrowMailbox | false;
    /** Set while a command (IDLE) takes the connection's input; false otherwise. */
    inputHandler?: unknown;
  }

  export interface HoodiecrowServer {
    server: Server;
    connectionHandlers: Array<(connection: HoodiecrowConnection) => void>;
    /** ENABLE plugin: what a session may enable. */
    enableAvailable: string[];
    setCommandHandler(command: string, handler: (connection: HoodiecrowConnection, parsed: HoodiecrowCommand, data: unknown, callback: () => void) => void): void;
    listen(port: number, host: string, callback: () => void): void;
    close(callback?: () => void): void;
    registerCapability(keyword: string): void;
    appendMessage(path: string, flags: string[], internaldate: Date, raw: string): { message: HoodiecrowMessage };
    getMailbox(path: string): (HoodiecrowMailbox & { messages: HoodiecrowMessage[] }) | undefined;
  }

  export default function hoodiecrow(options: HoodiecrowOptions): HoodiecrowServer;
}
