// A file name from a message that is safe to create on Linux, macOS and Windows: no
// bidirectional controls that disguise the extension, no path
// (`../../x` cannot leave the folder), no control characters, no reserved Windows names
// (CON, NUL.txt, COM1 …), no trailing dots or spaces, at most 255 UTF-8 bytes with the
// extension kept. sanitize-filename does the character and reserved-name rules; this adds
// the path stripping, hidden-file and extension handling it leaves out.
import sanitize from 'sanitize-filename';

/** Bytes a name may have (ext4, APFS and NTFS all allow 255). */
const MAX_BYTES = 255;
/** An extension worth keeping: a dot and up to 16 letters or digits. */
const EXTENSION = /\.[a-z0-9]{1,16}$/i;

/**
 * `name` made safe, or `fallback` (plus the original's extension, when it had a sane one) when
 * nothing safe is left of it. `fallback` must be safe itself (e.g. "attachment-2").
 */
export function safeFileName(name: string | null | undefined, fallback: string): string {
  // Bidirectional controls (U+202E makes "invoice\u202Efdp.exe" look like "invoiceexe.pdf") go first.
  const original = (name ?? '').normalize('NFC').replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  // Only the last path segment counts, whichever separator the sender used.
  const base = original.split(/[/\\]/).pop() ?? '';
  const extension = EXTENSION.exec(base)?.[0] ?? '';
  // Cut to length first (sanitize-filename would cut the extension off); its replacements keep the byte count.
  const fitted = Buffer.byteLength(base) > MAX_BYTES ? fitExtension(base.slice(0, base.length - extension.length), extension) : base;
  const safe = sanitize(fitted, { replacement: '_' }).replace(/^[.\s]+/, '');
  // A reserved Windows name (CON.txt) comes back as '_', a lone extension as nothing useful.
  return !safe || safe === '_' || safe === extension ? fitExtension(fallback, extension) : safe;
}

/** `stem` cut (on a character boundary) so that stem + extension fits MAX_BYTES. */
function fitExtension(stem: string, extension: string): string {
  const budget = MAX_BYTES - Buffer.byteLength(extension);
  let cut = stem;
  while (Buffer.byteLength(cut) > budget) cut = [...cut].slice(0, -1).join('');
  return `${cut.replace(/[.\s]+$/, '')}${extension}`;
}
