// To, and Cc / Bcc once asked for (or already filled, as reply all fills Cc).
import { useState } from 'react';
import { RecipientField } from './recipient-field.tsx';
import type { RecipientChip } from './recipients.ts';

export type RecipientKind = 'to' | 'cc' | 'bcc';
export type Recipients = Record<RecipientKind, RecipientChip[]>;

interface RecipientLinesProps {
  recipients: Recipients;
  onChange(kind: RecipientKind, chips: RecipientChip[]): void;
}

export function RecipientLines({ recipients, onChange }: RecipientLinesProps) {
  const [showCc, setShowCc] = useState(recipients.cc.length > 0);
  const [showBcc, setShowBcc] = useState(recipients.bcc.length > 0);
  return (
    <div className="recipient-lines">
      <div className="recipient-line-with-toggles">
        <RecipientField label="To" chips={recipients.to} onChange={(chips) => onChange('to', chips)} />
        <div className="recipient-toggles">
          {!showCc && (
            <button type="button" className="button button-quiet button-small" aria-label="Add Cc" onClick={() => setShowCc(true)}>
              Cc
            </button>
          )}
          {!showBcc && (
            <button type="button" className="button button-quiet button-small" aria-label="Add Bcc" onClick={() => setShowBcc(true)}>
              Bcc
            </button>
          )}
        </div>
      </div>
      {showCc && <RecipientField label="Cc" chips={recipients.cc} onChange={(chips) => onChange('cc', chips)} autoFocus={recipients.cc.length === 0} />}
      {showBcc && <RecipientField label="Bcc" chips={recipients.bcc} onChange={(chips) => onChange('bcc', chips)} autoFocus={recipients.bcc.length === 0} />}
    </div>
  );
}
