// A message's attachments, each with Open (the system's handler) and Save (where the rep
// chooses). Main decodes the part from the stored source; the renderer only names it by
// message id and index.
import type { MessageView } from '../../../src-preload/contract/index.ts';
import { useOpenAttachment, useSaveAttachment } from '../../api/mutations.ts';
import { fileSize } from '../../components/format.ts';
import { PaperclipIcon } from '../../components/icons.tsx';
import { showToast } from '../../components/toasts.tsx';

export function AttachmentList({ message }: { message: MessageView }) {
  const open = useOpenAttachment();
  const save = useSaveAttachment();
  if (message.attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {message.attachments.map((a, index) => {
        const name = a.filename || `attachment ${index + 1}`;
        return (
          <li key={index} className="attachment">
            <PaperclipIcon />
            <span className="attachment-text">
              <span className="attachment-name">{name}</span>
              <span className="attachment-meta">
                {a.contentType} · {fileSize(a.size)}
              </span>
            </span>
            <button type="button" className="button button-small" aria-label={`Open ${name}`} onClick={() => open.mutate({ messageId: message.id, index })}>
              Open
            </button>
            <button
              type="button"
              className="button button-small"
              aria-label={`Save ${name}`}
              onClick={() =>
                save.mutate({ messageId: message.id, index }, { onSuccess: (saved) => saved && showToast(`Saved “${saved}”`) })
              }
            >
              Save
            </button>
          </li>
        );
      })}
    </ul>
  );
}
