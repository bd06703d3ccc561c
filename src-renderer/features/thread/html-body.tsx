// An HTML message in a sandboxed frame (no scripts, opaque origin) whose document carries
// its own CSP: remote images stay blocked until the rep allows the sender. The frame has a
// generous estimated height and scrolls internally, since its content cannot be measured.
import { useMemo } from 'react';
import { frameDocument, sanitizeMailHtml } from './sanitize.ts';

interface HtmlBodyProps {
  html: string;
  allowRemote: boolean;
  showQuoted: boolean;
  title: string;
}

export function useSanitizedHtml(html: string | null) {
  return useMemo(() => (html === null ? null : sanitizeMailHtml(html)), [html]);
}

export function HtmlBody({ mail, allowRemote, showQuoted, title }: Omit<HtmlBodyProps, 'html'> & { mail: ReturnType<typeof sanitizeMailHtml> }) {
  const srcDoc = useMemo(() => frameDocument(mail, { allowRemote, showQuoted }), [mail, allowRemote, showQuoted]);
  return (
    <iframe
      className="message-frame"
      title={title}
      // allow-popups(+escape): links open as new windows, which main hands to the system browser.
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={srcDoc}
      style={{ height: mail.estimatedHeight }}
    />
  );
}
