// One connector factory for every CRM: the stored secret of the active CRM in, its connector
// out, configured from the profile (API roots, pacing). A new CRM is one module and one line here.
import { AppError } from '../../platform/app-error.ts';
import type { ProfileConfig } from '../../platform/profile-config.ts';
import type { CrmConnectionInput } from '../crm-service-api.ts';
import type { CrmConnector } from '../types.ts';
import { hubSpotConnectorFactory } from './hubspot.ts';

export function crmConnectorFactory(config: Pick<ProfileConfig, 'hubspot' | 'pipedrive' | 'salesforce'>): (connection: CrmConnectionInput) => CrmConnector {
  const hubspot = hubSpotConnectorFactory(config.hubspot);
  return (connection) => {
    switch (connection.crm) {
      case 'hubspot':
        return hubspot({ accessToken: connection.accessToken });
      default:
        throw new AppError('invalid_input', `${connection.crm} is not available in this build`);
    }
  };
}
