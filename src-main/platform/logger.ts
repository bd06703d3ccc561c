// Scoped logging for the main process, the CLI and the emulators. Log lines must never
// carry tokens, passwords, keys or message bodies: fields named like secrets are
// replaced before anything is written, and strings that look like bearer tokens too.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

/** Where formatted lines go; tests install a sink to assert on what was logged. */
export type LogSink = (line: string, level: LogLevel) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY =
  /(token|secret|password|passwd|authorization|cookie|code_?verifier|^code$|key|credential|assertion|body|raw|html|text)/i;
const SECRET_VALUE = [
  /\bBearer\s+[\w.~+/=-]+/gi,
  /\bya29\.[\w.-]+/g, // Google access-token prefix
  /\b1\/\/[\w.-]{20,}/g, // Google refresh-token prefix
  /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g, // JWTs: Entra ID (work account) access and id tokens among them
  // HubSpot private-app tokens: pat-<hublet>-<uuid>, e.g. pat-na1-…, pat-eu1-…
  /\bpat-[a-z]{2,3}\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\bEw[A-D][\w+/=-]{80,}/g, // Microsoft account (consumer) access tokens: opaque, "EwB…"
  /\b0\.A[\w.*-]{80,}/g, // Entra ID refresh tokens: "0.AR…", "0.AX…"
  /\bM\.[A-Z]\d*_[A-Z]{2,4}\.[\w.!*$-]{40,}/g, // Microsoft account refresh tokens: "M.C5xx_BAY.0.U.…", "M.R3_BAY.…"
  /\b00D\w{12,15}![\w.]+/g, // Salesforce session ids (access tokens): "00D<org id>!<session>"
  /\b5Aep861[\w.]{40,}/g, // Salesforce refresh tokens
  /\b[0-9a-f]{40}\b/g, // Pipedrive personal API tokens: 40 hex digits
  /([?&](?:code|access_token|refresh_token|id_token|code_verifier|client_secret)=)[^&\s]+/gi,
];

/** Replaces secret-looking values; returns a value safe to serialise into a log line. */
export function redact(value: unknown, key = '', depth = 0): unknown {
  if (key && SECRET_KEY.test(key)) return value == null ? value : '[redacted]';
  if (typeof value === 'string') {
    return SECRET_VALUE.reduce(
      (s, pattern) => s.replace(pattern, (match, prefix?: string) =>
        typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]'),
      value,
    );
  }
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message), code: (value as { code?: unknown }).code };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, '', depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

// stderr, so a CLI's stdout stays machine-readable (JSON results).
const defaultSink: LogSink = (line) => {
  process.stderr.write(line + '\n');
};

let sink: LogSink = defaultSink;
let threshold: LogLevel = (process.env.MAILBRIDGE_LOG_LEVEL as LogLevel | undefined) ?? 'info';

/** Redirects all loggers (tests, the CLI's --quiet). Returns a function that restores the previous sink. */
export function setLogSink(next: LogSink, level: LogLevel = threshold): () => void {
  const previous = { sink, threshold };
  sink = next;
  threshold = level;
  return () => {
    sink = previous.sink;
    threshold = previous.threshold;
  };
}

/**
 * Writes an already formatted and redacted line through the current sink, e.g. a line a
 * worker thread logged and posted to the main thread.
 */
export function writeLogLine(line: string, level: LogLevel): void {
  if (LEVELS[level] >= LEVELS[threshold]) sink(line, level);
}

/** A logger whose lines are prefixed with `scope` (e.g. "mail.gmail"). */
export function createLogger(scope: string): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVELS[level] < LEVELS[threshold]) return;
    const record = {
      time: new Date().toISOString(),
      level,
      scope,
      message: redact(message),
      ...(fields ? (redact(fields) as LogFields) : {}),
    };
    sink(JSON.stringify(record), level);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${scope}.${sub}`),
  };
}
