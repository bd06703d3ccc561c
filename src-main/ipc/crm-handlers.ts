// The CRM channels: connection, one-click logging, retries and contact timelines. The
// work happens in the CRM service; this module maps its failures to the codes the UI acts on.
import type { Handlers } from './dispatch.ts';
import { crmAppError } from '../crm/crm-errors.ts';
import type { CrmService } from '../crm/crm-service.ts';

type CrmChannels =
  | 'crm:status'
  | 'crm:connect'
  | 'crm:disconnect'
  | 'crm:log-message'
  | 'crm:log-thread'
  | 'crm:retry'
  | 'contacts:timeline';

/** What the handlers need of the CRM service. */
export type CrmFacade = Pick<CrmService, 'name' | 'status' | 'connect' | 'disconnect' | 'logMessage' | 'logThread' | 'retry' | 'logStates' | 'timeline'>;

export function crmHandlers(crm: CrmFacade): Pick<Handlers, CrmChannels> {
  return {
    'crm:status': () => crm.status(),
    'crm:connect': ({ accessToken }) => crm.connect(accessToken).catch(asAppError(crm)),
    'crm:disconnect': () => {
      crm.disconnect();
      return crm.status();
    },
    'crm:log-message': ({ messageId }) => crm.logMessage(messageId).catch(asAppError(crm)),
    'crm:log-thread': ({ threadId }) => crm.logThread(threadId).catch(asAppError(crm)),
    'crm:retry': ({ outboxId }) => {
      crm.retry(outboxId);
      return null;
    },
    'contacts:timeline': ({ address }) => crm.timeline(address).catch(asAppError(crm)),
  };
}

/** Connector failures that reach the UI, as the codes it acts on (crm-errors.ts). */
const asAppError = (crm: CrmFacade) => (error: unknown): never => {
  throw crmAppError(error, crm.name);
};
