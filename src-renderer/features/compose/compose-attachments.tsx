// The draft's attachments: a file picker (each file read as base64 and stored by main with
// drafts:attach, at most 25 MB) and the list, forwarded attachments included, with Remove.
import { useState, type ChangeEvent } from 'react';
import type { Draft } from '../../../src-preload/contract/index.ts';
import { useAttachFile, useDetachFile } from '../../api/compose-mutations.ts';
import { fileSize } from '../../components/format.ts';
import { PaperclipIcon } from '../../components/icons.tsx';
import { describeError } from '../../components/toasts.tsx';

/** drafts:attach refuses more than this, decoded bytes. */
const MAX_BYTES = 25 * 1024 * 1024;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

interface ComposeAttachmentsProps {
  draftId: number;
  attachments: Draft['attachments'];
}

export function ComposeAttachments({ draftId, attachments }: ComposeAttachmentsProps) {
  const attach = useAttachFile();
  const detach = useDetachFile();
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(0);

  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    setProblem(null);
    for (const file of files) {
      if (file.size > MAX_BYTES) {
        setProblem(`${file.name} is larger than 25 MB`);
        continue;
      }
      setReading((n) => n + 1);
      try {
        const base64 = await readBase64(file);
        await attach.mutateAsync({ draftId, filename: file.name, contentType: file.type || 'application/octet-stream', base64 });
      } catch (error) {
        setProblem(`${file.name} was not attached: ${describeError(error)}`);
      } finally {
        setReading((n) => n - 1);
      }
    }
  };

  return (
    <div className="compose-attachments">
      {attachments.length > 0 && (
        <ul className="attachments compose-attachment-list" aria-label="Attachments">
          {attachments.map((a, index) => (
            <li key={`${index}-${a.filename}`} className="attachment">
              <PaperclipIcon />
              <span className="attachment-text">
                <span className="attachment-name">{a.filename}</span>
                <span className="attachment-meta">{fileSize(a.size)}</span>
              </span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${a.filename}`}
                disabled={detach.isPending}
                onClick={() => detach.mutate({ draftId, index })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {reading > 0 && <span role="status" className="muted">Attaching…</span>}
      {problem && <p role="alert" className="field-error">{problem}</p>}
      <label className="button button-small attach-button">
        <PaperclipIcon />
        Attach files
        <input type="file" multiple className="visually-hidden" onChange={(event) => void onPick(event)} />
      </label>
    </div>
  );
}
