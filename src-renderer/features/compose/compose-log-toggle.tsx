// "Log to CRM" for the message being written (draft.logToCrm, saved with the draft): on, main
// logs it as an outgoing email once the provider has it; off keeps the auto-log rule off it too.
import type { CrmStatus } from '../../../src-preload/contract/index.ts';
import { useCrmStatus, useUnknownAddresses } from '../../api/queries.ts';

export const CRM_NAMES: Record<CrmStatus['crm'], string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', pipedrive: 'Pipedrive' };

interface ComposeLogToggleProps {
  draftId: number;
  checked: boolean;
  /** The valid To/Cc addresses (lower-cased): those not in the CRM are named in a warning. */
  recipients?: readonly string[];
  onChange(checked: boolean): void;
}

export function ComposeLogToggle({ draftId, checked, recipients = [], onChange }: ComposeLogToggleProps) {
  const { data: crm } = useCrmStatus();
  const connected = crm?.state === 'connected';
  const { data: unknown = [] } = useUnknownAddresses(crm?.crm ?? null, recipients, checked && connected);
  const name = crm ? CRM_NAMES[crm.crm] : 'the CRM';
  const hintId = `compose-log-hint-${draftId}`;
  return (
    <div className="compose-log">
      <label className="checkbox">
        <input type="checkbox" checked={checked} aria-describedby={hintId} onChange={(event) => onChange(event.target.checked)} />
        Log to CRM
      </label>
      <span id={hintId} className="compose-log-hint">
        {checked ? `Logged to ${name} as an outgoing email once sent` : `Not logged to ${name}, not even by the auto-log rule`}
        {checked && crm?.state === 'not_connected' && ` (connect ${name} in Settings first)`}
      </span>
      {checked && connected && unknown.length > 0 && (
        <span className="compose-log-warning" role="note">
          Not in {name}: {unknown.slice(0, 3).join(', ')}
          {unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''} — not logged for {unknown.length === 1 ? 'them' : 'these'} unless added
          from the contact panel
        </span>
      )}
    </div>
  );
}
