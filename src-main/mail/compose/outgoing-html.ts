// The HTML that leaves in a message the rep wrote: the editor's HTML and the quoted original,
// reduced to an allowlist of formatting elements (sanitize-html), since main trusts nothing the
// renderer hands it and a quoted original may carry scripts, forms or tracking. Links keep
// http(s) and mailto only; images only when inline (cid:) or data: so nothing loads remotely.
import sanitizeHtml from 'sanitize-html';
import { htmlToText } from '../mime/body-text.ts';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'blockquote', 'ul', 'ol', 'li',
    'a', 'h1', 'h2', 'h3', 'h4', 'pre', 'code', 'hr', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'img',
  ],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

/** `html` reduced to the formatting allowlist above. */
export function cleanHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

/** Escapes text for HTML (the quoted original of a plain-text message). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The text/plain alternative of an HTML body (RFC 2046 §5.1.4 multipart/alternative). */
export function plainTextOf(html: string): string {
  return htmlToText(html);
}
