// postal-mime's content decoders join their chunks with `new Blob(chunks).arrayBuffer()`.
// In Node that copies every body line into a Blob part and reads it back through a stream
// of microtasks: ~0.4 ms CPU per Enron message, more than the rest of the parse. Their
// finalize() is replaced here with a plain byte concatenation that yields the same bytes.
// The replacement is applied only where finalize still has the known shape, so a
// postal-mime release that changes it keeps its own code (the unit test then fails).
import { createLogger } from '../../platform/logger.ts';

const log = createLogger('mail.mime');
const utf8 = new TextEncoder();

interface Decoder {
  chunks: Array<Uint8Array | ArrayBuffer | string>;
  flushRemainder?(): void;
  flushBuffer?(): void;
}

/** What each decoder's finalize() does before it builds the Blob (postal-mime 4.0). */
const DECODERS: ReadonlyArray<{ file: string; flush: keyof Pick<Decoder, 'flushRemainder' | 'flushBuffer'> | null }> = [
  { file: 'pass-through-decoder.js', flush: null },
  { file: 'base64-decoder.js', flush: 'flushRemainder' },
  { file: 'qp-decoder.js', flush: 'flushBuffer' },
];

/**
 * The bytes of `parts` in order, as `new Blob(parts).arrayBuffer()` would give them
 * (strings as UTF-8), in a fresh ArrayBuffer.
 */
export function concatParts(parts: ReadonlyArray<Uint8Array | ArrayBuffer | string>): ArrayBuffer {
  const views: Uint8Array[] = new Array(parts.length);
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const view = typeof part === 'string' ? (part === '\n' ? NEWLINE : utf8.encode(part))
      : part instanceof ArrayBuffer ? new Uint8Array(part) : part;
    views[i] = view;
    total += view.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const view of views) {
    out.set(view, offset);
    offset += view.byteLength;
  }
  return out.buffer;
}
const NEWLINE = Uint8Array.of(0x0a);

/** True when finalize() is the Blob round trip this module knows how to replace. */
function isKnownFinalize(finalize: unknown, flush: string | null): boolean {
  if (typeof finalize !== 'function') return false;
  const source = Function.prototype.toString.call(finalize).replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '');
  const blob = 'returnblobToArrayBuffer(newBlob(this.chunks,{type:\'application/octet-stream\'}));';
  return source === `finalize(){${flush ? `this.${flush}();` : ''}${blob}}`;
}

/** Decoder files whose finalize() was replaced, for the unit test. */
export const patchedDecoders: string[] = [];

try {
  const base = import.meta.resolve('postal-mime');
  for (const { file, flush } of DECODERS) {
    const mod = (await import(new URL(file, base).href)) as { default?: { prototype: Decoder & { finalize: unknown } } };
    const proto = mod.default?.prototype;
    if (!proto || !isKnownFinalize(proto.finalize, flush)) {
      log.debug('postal-mime decoder left as it is', { file });
      continue;
    }
    proto.finalize = flush
      ? function finalize(this: Decoder): Promise<ArrayBuffer> {
        this[flush]!();
        return Promise.resolve(concatParts(this.chunks));
      }
      : function finalize(this: Decoder): Promise<ArrayBuffer> {
        return Promise.resolve(concatParts(this.chunks));
      };
    patchedDecoders.push(file);
  }
} catch (error) {
  log.debug('postal-mime decoders left as they are', { error: error instanceof Error ? error.message : String(error) });
}
