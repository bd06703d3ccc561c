// A plain-text signature per mail account (settings.signatures, keyed by account id), saved
// when the field loses focus; main appends it below the rep's text.
import { useEffect, useState } from 'react';
import type { AccountSummary, Settings } from '../../../src-preload/contract/index.ts';
import { useSaveSettings } from '../../api/mutations.ts';
import { useAccounts } from '../../api/queries.ts';

export function SignaturesEditor({ signatures }: { signatures: Settings['signatures'] }) {
  const { data: accounts = [] } = useAccounts();
  const sending = accounts.filter((a) => a.provider !== 'import');
  if (sending.length === 0) return null;
  return (
    <div className="signatures">
      <h3>Signatures</h3>
      {sending.map((account) => (
        <SignatureField key={account.id} account={account} signatures={signatures} />
      ))}
    </div>
  );
}

function SignatureField({ account, signatures }: { account: AccountSummary; signatures: Settings['signatures'] }) {
  const save = useSaveSettings();
  const saved = signatures[String(account.id)] ?? '';
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved]);
  const id = `signature-${account.id}`;
  const commit = () => {
    if (text === saved) return;
    const next = { ...signatures, [String(account.id)]: text };
    if (!text.trim()) delete next[String(account.id)];
    save.mutate({ signatures: next });
  };
  return (
    <div className="signature-field">
      <label htmlFor={id}>Signature for {account.email}</label>
      <textarea id={id} rows={4} maxLength={10_000} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} />
    </div>
  );
}
