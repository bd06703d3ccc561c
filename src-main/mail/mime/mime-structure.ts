// A structural pass over the raw MIME tree, because postal-mime is lenient and silent: it
// decodes unknown charsets as windows-1252, skips non-base64 characters, and tolerates
// missing boundaries without saying so. This pass finds those cases and words them.

/** One problem found in the MIME structure, worded for a person; `kind` groups them. */
/** An inline text part, as postal-mime assembles the body from it. */
export interface TextPart {
  type: 'text/plain' | 'text/html';
  charset: string | null;
}

export interface MimeStructure {
  issues: StructureIssue[];
  /** charset parameter of the top-level Content-Type, or null. */
  rootCharset: string | null;
  textParts: TextPart[];
}

export interface StructureIssue {
  kind: 'unknown-charset' | 'bad-base64' | 'unknown-transfer-encoding' | 'missing-boundary'
    | 'unclosed-multipart' | 'nul-bytes';
  message: string;
}

interface Node {
  /** IMAP-style part number ("1", "1.2"); "" for the top level. */
  path: string;
  parent: Node | null;
  state: 'header' | 'body';
  headerLines: string[];
  type: string;
  charset: string | null;
  encoding: string;
  disposition: string;
  multipart: boolean;
  boundary: string | null;
  closed: boolean;
  children: number;
  b64Invalid: number;
  b64Chars: number;
  /** The parent is multipart/digest, so this part defaults to message/rfc822 (RFC 2046 §5.1.5). */
  inDigest: boolean;
}

// RFC 2045 §6.1, plus misspellings of the identity encodings, which decode correctly anyway.
const KNOWN_ENCODINGS = new Set(['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable', '7-bit', '8-bit', '8bits', '7bits']);
const MAX_ISSUES_PER_KIND = 5;

/**
 * Walks the MIME tree of `bytes` (RFC 2045/2046: headers, boundaries, nested message/rfc822)
 * the way postal-mime does and reports what it will have decoded wrongly or not at all.
 * `isKnownCharset` decides which charset labels count as unknown. Never throws.
 */
export function inspectMimeStructure(
  bytes: Uint8Array,
  isKnownCharset: (label: string) => boolean,
): MimeStructure {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const issues: StructureIssue[] = [];
  const counts = new Map<string, number>();
  const add = (kind: StructureIssue['kind'], message: string): void => {
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    if (n <= MAX_ISSUES_PER_KIND) issues.push({ kind, message });
  };
  const nodes: Node[] = [];
  const newNode = (path: string, parent: Node | null): Node => {
    const node: Node = {
      path, parent, state: 'header', headerLines: [], type: 'text/plain', charset: null, encoding: '', disposition: '',
      multipart: false, boundary: null, closed: false, children: 0, b64Invalid: 0, b64Chars: 0,
      inDigest: parent?.type === 'multipart/digest',
    };
    nodes.push(node);
    return node;
  };
  const boundaries: { marker: string; node: Node }[] = [];
  let current = newNode('', null);
  let nul = 0;

  const endHeaders = (node: Node): void => {
    node.state = 'body';
    readContentHeaders(node);
    if (node.multipart) {
      if (node.boundary) boundaries.push({ marker: `--${node.boundary}`, node });
      else add('missing-boundary', `${describe(node)} has no boundary parameter; its parts could not be read`);
    } else if (node.type === 'message/rfc822' && !/base64|quoted-printable/.test(node.encoding)) {
      node.children++;
      current = newNode(node.path, node);
    }
  };

  let pos = 0;
  while (pos < source.length) {
    let end = source.indexOf('\n', pos);
    if (end < 0) end = source.length;
    const line = source.charCodeAt(end - 1) === 13 && end > pos ? source.slice(pos, end - 1) : source.slice(pos, end);
    pos = end + 1;
    if (line.includes('\0') && current.encoding !== 'binary') nul += line.split('\0').length - 1;

    if (boundaries.length && line.startsWith('--')) {
      const hit = matchBoundary(line, boundaries);
      if (hit) {
        const { index, terminator } = hit;
        const owner = boundaries[index]?.node ?? current;
        boundaries.length = terminator ? index : index + 1;
        if (current.state === 'header') endHeaders(current);
        if (terminator) {
          owner.closed = true;
          current = owner;
        } else {
          owner.children++;
          current = newNode(owner.path ? `${owner.path}.${owner.children}` : String(owner.children), owner);
        }
        continue;
      }
    }

    if (current.state === 'header') {
      if (line === '') endHeaders(current);
      else current.headerLines.push(line);
    } else if (!current.multipart && current.encoding === 'base64') {
      const stripped = line.replace(/[\s=]+/g, '');
      const invalid = stripped.replace(/[A-Za-z0-9+/]+/g, '').length;
      current.b64Invalid += invalid;
      current.b64Chars += stripped.length - invalid;
    }
  }
  if (current.state === 'header') endHeaders(current);

  for (const node of nodes) {
    if (node.multipart && node.boundary && !node.closed) {
      add('unclosed-multipart', `closing boundary missing in ${describe(node)}; the message may be truncated`);
    }
    if (!node.multipart && !KNOWN_ENCODINGS.has(node.encoding)) {
      add('unknown-transfer-encoding',
        `unknown Content-Transfer-Encoding '${node.encoding}' in ${describe(node)}; body kept undecoded`);
    }
    if (node.encoding === 'base64' && !node.multipart && (node.b64Invalid > 0 || node.b64Chars % 4 === 1)) {
      const why = node.b64Invalid > 0 ? `${node.b64Invalid} non-base64 characters skipped` : 'truncated data';
      add('bad-base64', `undecodable base64 in ${describe(node)}: ${why}`);
    }
    if (node.charset && /^text\//.test(node.type) && !isKnownCharset(node.charset)) {
      add('unknown-charset', `unknown charset '${node.charset}' in ${describe(node)}; decoded as windows-1252`);
    }
  }
  if (nul) add('nul-bytes', `message contains ${nul} NUL byte${nul === 1 ? '' : 's'}; removed from the decoded text`);
  for (const [kind, n] of counts) {
    if (n > MAX_ISSUES_PER_KIND) issues.push({ kind: kind as StructureIssue['kind'], message: `${n - MAX_ISSUES_PER_KIND} more ${kind} problems` });
  }
  const textParts: TextPart[] = [];
  for (const node of nodes) {
    if ((node.type === 'text/plain' || node.type === 'text/html') && node.disposition !== 'attachment') {
      textParts.push({ type: node.type, charset: node.charset });
    }
  }
  return { issues, textParts, rootCharset: nodes[0]?.charset ?? null };
}

function describe(node: Node): string {
  return node.path ? `part ${node.path} (${node.type})` : `the message body (${node.type})`;
}

function matchBoundary(line: string, boundaries: { marker: string }[]): { index: number; terminator: boolean } | null {
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const marker = boundaries[i]?.marker ?? '';
    if (!marker) continue;
    if (!line.startsWith(marker)) continue;
    let rest = line.slice(marker.length);
    const terminator = rest.startsWith('--');
    if (terminator) rest = rest.slice(2);
    // RFC 2046 §5.1.1: only linear whitespace may follow the boundary on its line
    if (/^[ \t]*$/.test(rest)) return { index: i, terminator };
  }
  return null;
}

// First occurrence of each Content-* field wins, as in postal-mime.
function readContentHeaders(node: Node): void {
  const unfolded: string[] = [];
  for (const line of node.headerLines) {
    if ((line[0] === ' ' || line[0] === '\t') && unfolded.length) unfolded[unfolded.length - 1] += line;
    else unfolded.push(line);
  }
  const fields = new Map<string, string>();
  for (const line of unfolded) {
    const sep = line.indexOf(':');
    if (sep <= 0) continue;
    const key = line.slice(0, sep).trim().toLowerCase();
    if (key.startsWith('content-') && !fields.has(key)) fields.set(key, line.slice(sep + 1));
  }
  const ct = stripComments(fields.get('content-type') ?? '');
  const type = (ct.split(';')[0] ?? '').trim().toLowerCase();
  node.type = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : node.inDigest ? 'message/rfc822' : 'text/plain';
  node.multipart = node.type.startsWith('multipart/');
  node.charset = param(ct, 'charset');
  node.boundary = node.multipart ? param(ct, 'boundary') : null;
  const cte = stripComments(fields.get('content-transfer-encoding') ?? '').toLowerCase().match(/[\w-]+/);
  node.encoding = cte ? cte[0] : '';
  node.disposition = (stripComments(fields.get('content-disposition') ?? '').split(';')[0] ?? '').trim().toLowerCase();
}

function stripComments(value: string): string {
  return value.replace(/\([^()"]*\)/g, ' ');
}

function param(value: string, name: string): string | null {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;"]+))`, 'i').exec(value);
  const v = (m?.[1] ?? m?.[2] ?? '').trim();
  return v || null;
}
