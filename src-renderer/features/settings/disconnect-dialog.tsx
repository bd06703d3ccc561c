// Confirms disconnecting a mail account, with the choice to also delete its local mail.
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';

interface DisconnectDialogProps {
  open: boolean;
  email: string;
  pending: boolean;
  onCancel(): void;
  onConfirm(deleteLocalData: boolean): void;
}

export function DisconnectDialog({ open, email, pending, onCancel, onConfirm }: DisconnectDialogProps) {
  const [deleteLocal, setDeleteLocal] = useState(false);
  return (
    <Dialog title={`Disconnect ${email}?`} open={open} onClose={onCancel}>
      <p>Mailbridge signs out of this account and revokes its access. Mail already logged to the CRM stays there.</p>
      <label className="checkbox">
        <input type="checkbox" checked={deleteLocal} onChange={(e) => setDeleteLocal(e.target.checked)} />
        Also delete local mail from this computer
      </label>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" disabled={pending} onClick={() => onConfirm(deleteLocal)}>
          {pending ? 'Disconnecting…' : 'Disconnect'}
        </button>
      </div>
    </Dialog>
  );
}
