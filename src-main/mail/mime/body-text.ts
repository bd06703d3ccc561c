// Body text for search and preview: plain text derived from HTML when a message has no
// text part (html-to-text parses the markup with htmlparser2 and executes nothing), and
// the ~200-character snippet shown in message lists, without quoted replies.
import { convert } from 'html-to-text';

/** Longest HTML (characters) converted to text; longer input is cut first. */
export const MAX_HTML_FOR_TEXT = 2_000_000;
/** Snippet length in characters (UTF-16 code units). */
export const SNIPPET_LENGTH = 200;

const HTML_OPTIONS = {
  wordwrap: false as const,
  // the whole document, not only <body>: text after </body> is still shown by mail clients
  baseElements: { selectors: [] as string[], returnDomByDefault: true },
  limits: { maxInputLength: MAX_HTML_FOR_TEXT + 1, maxDepth: 200 },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
  ],
};

/**
 * Plain text of an HTML body: block structure kept as line breaks, links as their text,
 * images, scripts and styles dropped. Input over MAX_HTML_FOR_TEXT characters is cut.
 * Throws nothing: on a converter failure the tags are stripped crudely instead.
 */
export function htmlToText(html: string): string {
  const input = html.length > MAX_HTML_FOR_TEXT ? html.slice(0, MAX_HTML_FOR_TEXT) : html;
  try {
    return convert(input, HTML_OPTIONS).trim();
  } catch {
    return input.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ').trim();
  }
}

// Lines that start the quoted part of a reply: Outlook's separator, a bare underscore rule
// (Outlook's HTML-to-text), the signature delimiter "-- " (RFC 3676 §4.3).
const QUOTE_BLOCK_START = [
  /^-{2,}\s*original message\s*-{2,}/i,
  /^_{20,}\s*$/,
  /^-- $/,
  /^-{5,}\s*(forwarded|weitergeleitete|message transféré)/i,
];
const ATTRIBUTION = /^(on\b.*\bwrote|am\b.*\bschrieb|le\b.*\ba écrit)\s*:?\s*$/i;

/**
 * The first ~200 characters of the new text of a message, whitespace collapsed: quoted
 * lines ('>'), the "On … wrote:" line before them and everything from an
 * "-----Original Message-----" block, forward header or signature on are skipped. Falls
 * back to the whole text when nothing else is left (a message that is only a quote).
 */
export function makeSnippet(text: string): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (QUOTE_BLOCK_START.some((re) => re.test(line) || re.test(trimmed))) break;
    if (trimmed.startsWith('>') || ATTRIBUTION.test(trimmed)) continue;
    kept.push(trimmed);
    length += trimmed.length + 1;
    if (length > SNIPPET_LENGTH * 2) break;
  }
  const snippet = collapse(kept.join(' '));
  return snippet || collapse(text.slice(0, SNIPPET_LENGTH * 4));
}

function collapse(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed.length <= SNIPPET_LENGTH) return collapsed;
  const cut = collapsed.slice(0, SNIPPET_LENGTH);
  const space = cut.lastIndexOf(' ');
  return (space > SNIPPET_LENGTH - 30 ? cut.slice(0, space) : cut).trimEnd();
}
