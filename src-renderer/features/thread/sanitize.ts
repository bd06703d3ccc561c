// Email HTML made safe to display: DOMPurify strips scripts, event handlers, forms and
// javascript: URLs; we note whether the mail loads remote content (images, CSS urls) and
// has quoted history, and wrap it in a document with its own CSP for a sandboxed frame.
import DOMPurify from 'dompurify';

export interface SanitizedMail {
  /** Head styles and body markup, sanitised. */
  head: string;
  body: string;
  hasRemoteContent: boolean;
  hasQuotedText: boolean;
  /** Rough content height in px, for sizing the frame (its content cannot be measured). */
  estimatedHeight: number;
}

const purify = DOMPurify(window);
const REMOTE_URL = /^\s*(https?:)?\/\//i;
const CSS_REMOTE_URL = /url\(\s*['"]?\s*(https?:)?\/\//i;
const QUOTE_SELECTORS = '.gmail_quote, blockquote[type="cite"], .yahoo_quoted, #divRplyFwdMsg, #appendonsend, .moz-cite-prefix';

let remoteSeen = false;
purify.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return;
  for (const attribute of ['src', 'srcset', 'background', 'poster']) {
    const value = node.getAttribute(attribute);
    if (value && (REMOTE_URL.test(value) || value.split(',').some((part) => REMOTE_URL.test(part)))) remoteSeen = true;
  }
  const style = node.getAttribute('style');
  if (style && CSS_REMOTE_URL.test(style)) remoteSeen = true;
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    // The frame cannot navigate; a new window is handed to the system browser by main.
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});
purify.addHook('uponSanitizeElement', (node, data) => {
  if (data.tagName === 'style' && CSS_REMOTE_URL.test(node.textContent ?? '')) remoteSeen = true;
});

export function sanitizeMailHtml(raw: string): SanitizedMail {
  remoteSeen = false;
  // Sanitise to a string and parse it into an inert document: nothing from the mail is
  // ever adopted into the app's own live document.
  const clean = purify.sanitize(raw, {
    WHOLE_DOCUMENT: true,
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'video', 'audio', 'source', 'track', 'svg', 'math'],
    FORBID_ATTR: ['action', 'formaction', 'ping'],
    ALLOW_DATA_ATTR: false,
  });
  const doc = new DOMParser().parseFromString(clean, 'text/html');
  const head = [...doc.querySelectorAll('head style')].map((s) => s.outerHTML).join('\n');
  const body = doc.body;
  const text = body.textContent ?? '';
  const blocks = body.querySelectorAll('p, div, br, tr, li, h1, h2, h3, h4').length;
  const images = body.querySelectorAll('img').length;
  const estimatedHeight = 48 + 20 * (Math.ceil(text.length / 90) + blocks * 0.6) + images * 60;
  return {
    head,
    body: body.innerHTML,
    hasRemoteContent: remoteSeen,
    hasQuotedText: body.querySelector(QUOTE_SELECTORS) !== null,
    estimatedHeight: Math.round(Math.min(900, Math.max(120, estimatedHeight))),
  };
}

const BASE_CSS = `
  html { color-scheme: light; }
  body { margin: 0; padding: 4px 2px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; overflow-wrap: anywhere; }
  img { max-width: 100%; height: auto; }
  table { max-width: 100%; }
  pre { white-space: pre-wrap; }
  blockquote { margin: 0 0 0 4px; padding-left: 10px; border-left: 3px solid #d0d7de; color: #57606a; }
  a { color: #0969da; }
`;

/** The srcdoc for a sandboxed frame. Its CSP allows remote images/styles only if the rep trusts the sender. */
export function frameDocument(mail: SanitizedMail, options: { allowRemote: boolean; showQuoted: boolean }): string {
  const remote = options.allowRemote ? ' https:' : '';
  const csp = `default-src 'none'; img-src data: cid:${remote}; style-src 'unsafe-inline'${remote}; font-src data:${remote}`;
  const hideQuotes = options.showQuoted ? '' : `${QUOTE_SELECTORS}, #divRplyFwdMsg ~ *, #appendonsend ~ * { display: none !important; }`;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><style>${BASE_CSS}${hideQuotes}</style>${mail.head}</head><body>${mail.body}</body></html>`;
}
