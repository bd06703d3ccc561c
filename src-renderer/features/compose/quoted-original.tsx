// The message replied to or forwarded, below the rep's text: collapsed behind "…" as Gmail
// shows it, sanitised and drawn in the same sandboxed frame as received mail, removable.
import { useState } from 'react';
import { HtmlBody, useSanitizedHtml } from '../thread/html-body.tsx';

interface QuotedOriginalProps {
  html: string;
  /** Forwarded mail is what the rep is sending, so it starts open. */
  startOpen: boolean;
  onRemove(): void;
}

export function QuotedOriginal({ html, startOpen, onRemove }: QuotedOriginalProps) {
  const [open, setOpen] = useState(startOpen);
  const mail = useSanitizedHtml(html);
  if (!mail) return null;
  return (
    <div className="quoted-original">
      <div className="quoted-actions">
        <button
          type="button"
          className="button button-small quoted-toggle"
          aria-expanded={open}
          aria-label={open ? 'Hide quoted text' : 'Show quoted text'}
          title={open ? 'Hide quoted text' : 'Show quoted text'}
          onClick={() => setOpen(!open)}
        >
          …
        </button>
        <button type="button" className="button button-quiet button-small" onClick={onRemove}>
          Remove quoted text
        </button>
      </div>
      {open && <HtmlBody mail={mail} allowRemote={false} showQuoted title="Quoted original" />}
    </div>
  );
}
