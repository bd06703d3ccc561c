// Note content as the emulator stores it. Pipedrive says only that note content is "in HTML
// format. Subject to sanitization on the back-end" (openapi/upstream/v1.yaml, POST /notes, in
// github.com/juhokoskela/pipedrive-go) and publishes no rules, so the emulator is strict on
// purpose: scripts, styles and comments go, basic formatting tags stay, and every attribute but
// a link's http(s)/mailto href is dropped — nothing a client relies on may live in an attribute.

const KEPT_TAGS = new Set([
  'p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'a', 'ul', 'ol', 'li', 'div', 'span', 'blockquote', 'pre', 'code', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'td', 'th',
]);

export function sanitizeNoteHtml(html: string): string {
  return html
    .replace(/<(script|style|head|iframe|object)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(\/?)([a-z][a-z0-9]*)\b([^>]*)>/gi, (_whole, close: string, rawName: string, attributes: string) => {
      const name = rawName.toLowerCase();
      if (!KEPT_TAGS.has(name)) return '';
      if (close) return `</${name}>`;
      const href = name === 'a' ? /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attributes) : null;
      const url = href ? (href[2] ?? href[3] ?? '') : '';
      const selfClosing = /\/\s*$/.test(attributes) ? ' /' : '';
      return /^(https?:|mailto:)/i.test(url) ? `<a href="${url}">` : `<${name}${selfClosing}>`;
    });
}
