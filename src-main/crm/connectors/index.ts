// One connector factory for every CRM: the stored secret of the active CRM in, its connector
// out, configured from the profile (API roots, pacing). A new CRM is one module and one line here.
import { AppError } from '../../platform/app-error.ts';
import type { ProfileConfig } from '../../platform/profile-config.ts';
import type { CrmConnectionInput } from '../crm-service-api.ts';
import type { CrmConnector } from '../types.ts';
import { hubSpotConnectorFactory } from './hubspot.ts';
import { pipedriveConnectorFactory } from './pipedrive.ts';

/**
 * `salesforce`: builds the Salesforce connector from the stored tokens (the app layer does it,
 * as the token refresh lives in auth/, which crm/ does not import); without it Salesforce is
 * not available.
 */
export function crmConnectorFactory(
  config: Pick<ProfileConfig, 'hubspot' | 'pipedrive' | 'salesforce'>,
  sessions: { salesforce?: (connection: CrmConnectionInput) => CrmConnector } = {},
): (connection: CrmConnectionInput) => CrmConnector {
  const hubspot = hubSpotConnectorFactory(config.hubspot);
  const pipedrive = pipedriveConnectorFactory(config.pipedrive);
  return (connection) => {
    switch (connection.crm) {
      case 'hubspot':
        // The portal id (the stored account label) builds record links and the daily reset without a call.
        return hubspot({ accessToken: connection.accessToken, accountLabel: connection.accountLabel ?? null });
      case 'pipedrive':
        return pipedrive(connection.accessToken);
      case 'salesforce':
        if (sessions.salesforce) return sessions.salesforce(connection);
        break;
    }
    throw new AppError('invalid_input', `${connection.crm} is not available in this build`);
  };
}
