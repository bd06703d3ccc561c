// A message's content: sanitised HTML in a sandboxed frame, or preformatted text, with
// quoted history collapsed behind "Show quoted text" and the remote-images prompt.
import { useMemo, useState } from 'react';
import type { MessageView } from '../../../src-preload/contract/index.ts';
import { useAllowRemoteContent } from '../../api/mutations.ts';
import { HtmlBody, useSanitizedHtml } from './html-body.tsx';
import { splitReply } from './quoting.ts';

export function MessageBody({ threadId, message }: { threadId: number; message: MessageView }) {
  const [showQuoted, setShowQuoted] = useState(false);
  const mail = useSanitizedHtml(message.html);
  const plain = useMemo(() => (mail ? null : splitReply(message.text)), [mail, message.text]);
  const allow = useAllowRemoteContent(threadId);
  const sender = message.from?.address;
  const hasQuoted = mail ? mail.hasQuotedText : plain?.quoted != null;
  if (message.serverOnly) {
    // Older than "keep full messages": main is fetching it from the provider; mail:changed brings it.
    return (
      <div className="message-body">
        <p className="server-only-notice muted" role="status">
          Kept on the server to save space on this computer — downloading it… (it opens when you are online)
        </p>
      </div>
    );
  }
  return (
    <div className="message-body">
      {mail?.hasRemoteContent && !message.remoteContentAllowed && (
        <div className="remote-notice" role="status" aria-label="Remote images blocked">
          <span>Remote images blocked</span>
          {sender && (
            <button type="button" className="button button-small" disabled={allow.isPending} onClick={() => allow.mutate(sender)}>
              Allow from {sender}
            </button>
          )}
        </div>
      )}
      {mail ? (
        <HtmlBody mail={mail} allowRemote={message.remoteContentAllowed} showQuoted={showQuoted} title={`Message from ${message.from?.name || sender || 'unknown sender'}`} />
      ) : (
        <pre className="message-text">
          {plain!.reply}
          {showQuoted && plain!.quoted && <span className="quoted-text">{`\n\n${plain!.quoted}`}</span>}
        </pre>
      )}
      {hasQuoted && (
        <button type="button" className="button button-quiet button-small quote-toggle" aria-expanded={showQuoted} onClick={() => setShowQuoted(!showQuoted)}>
          {showQuoted ? 'Hide quoted text' : 'Show quoted text'}
        </button>
      )}
    </div>
  );
}
