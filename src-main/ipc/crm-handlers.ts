// The CRM channels: connection, one-click logging, retries and contact timelines. The
// work happens in the CRM service; this module maps its failures to the codes the UI acts on.
import type { Handlers } from './dispatch.ts';
import { crmAppError } from '../crm/crm-errors.ts';
import type { CrmService } from '../crm/crm-service.ts';
import type { CrmStatus } from '../../src-preload/contract/index.ts';

type CrmChannels =
  | 'crm:status'
  | 'crm:connect'
  | 'crm:use'
  | 'crm:unknown-addresses'
  | 'crm:connect-salesforce'
  | 'crm:add-contact'
  | 'crm:disconnect'
  | 'crm:log-message'
  | 'crm:log-thread'
  | 'crm:retry'
  | 'contacts:timeline';

/** What the handlers need of the CRM service. */
export type CrmFacade = Pick<
  CrmService,
  'name' | 'status' | 'connect' | 'use' | 'addContact' | 'cachedContact' | 'disconnect' | 'logMessage' | 'logThread' | 'retry' | 'logStates' | 'timeline'
>;

/** Sign-ins that need the system browser, done by the assembly (it has the shell and the config). */
export interface CrmSignIns {
  /** Salesforce OAuth in the browser, then CrmService.connect with the tokens. */
  connectSalesforce(loginUrl: string | undefined): Promise<CrmStatus>;
  /** Revokes the active CRM's credentials at the CRM where it has such a thing (Salesforce); never rejects. */
  revoke?(): Promise<void>;
}

export function crmHandlers(crm: CrmFacade, signIns: CrmSignIns): Pick<Handlers, CrmChannels> {
  return {
    'crm:connect-salesforce': ({ loginUrl }) => signIns.connectSalesforce(loginUrl).catch(asAppError(crm)),
    'crm:status': () => crm.status(),
    'crm:connect': ({ crm: kind, accessToken }) => crm.connect(accessToken, kind).catch(asAppError(crm)),
    'crm:use': ({ crm: kind }) => crm.use(kind),
    'crm:unknown-addresses': ({ emails }) => [...new Set(emails)].filter((email) => crm.cachedContact(email) === null),
    'crm:add-contact': (person) => crm.addContact(person).catch(asAppError(crm)),
    'crm:disconnect': async () => {
      await signIns.revoke?.();
      crm.disconnect();
      return crm.status();
    },
    'crm:log-message': ({ messageId, dealId }) => crm.logMessage(messageId, dealChoice(dealId)).catch(asAppError(crm)),
    'crm:log-thread': ({ threadId, dealId }) => crm.logThread(threadId, dealChoice(dealId)).catch(asAppError(crm)),
    'crm:retry': ({ outboxId }) => {
      crm.retry(outboxId);
      return null;
    },
    'contacts:timeline': ({ address }) => crm.timeline(address).catch(asAppError(crm)),
  };
}

/** The contract's optional dealId as the planner's choice: absent stays absent (the default deal). */
const dealChoice = (dealId: string | null | undefined) => (dealId === undefined ? {} : { dealId });

/** Connector failures that reach the UI, as the codes it acts on (crm-errors.ts). */
const asAppError = (crm: CrmFacade) => (error: unknown): never => {
  throw crmAppError(error, crm.name);
};
