// The CRM channels: connection, one-click logging, retries and contact timelines. The
// work happens in the CRM service; this module maps its failures to the codes the UI acts on.
import type { Handlers } from './dispatch.ts';
import { AppError } from '../platform/app-error.ts';
import { CrmAuthError, CrmRateLimitError, CrmUnreachableError } from '../crm/types.ts';
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
export type CrmFacade = Pick<CrmService, 'status' | 'connect' | 'disconnect' | 'logMessage' | 'logThread' | 'retry' | 'logStates' | 'timeline'>;

export function crmHandlers(crm: CrmFacade): Pick<Handlers, CrmChannels> {
  return {
    'crm:status': () => crm.status(),
    'crm:connect': ({ accessToken }) => crm.connect(accessToken).catch(asAppError),
    'crm:disconnect': () => {
      crm.disconnect();
      return crm.status();
    },
    'crm:log-message': ({ messageId }) => crm.logMessage(messageId).catch(asAppError),
    'crm:log-thread': ({ threadId }) => crm.logThread(threadId).catch(asAppError),
    'crm:retry': ({ outboxId }) => {
      crm.retry(outboxId);
      return null;
    },
    'contacts:timeline': ({ address }) => crm.timeline(address).catch(asAppError),
  };
}

/** Connector failures that reach the UI, as the codes it acts on. */
function asAppError(error: unknown): never {
  if (error instanceof CrmAuthError) throw new AppError('invalid_input', `HubSpot refused the token: ${error.message}`);
  if (error instanceof CrmRateLimitError) throw new AppError('rate_limited', 'HubSpot asks us to slow down; try again in a moment');
  if (error instanceof CrmUnreachableError) throw new AppError('offline', 'HubSpot cannot be reached; check the connection');
  throw error;
}
