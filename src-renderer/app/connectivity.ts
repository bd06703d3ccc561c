// Whether Mailbridge is offline, for the banner: the CRM says it cannot be reached, or a
// call just answered `offline`. A later successful CRM call or an online status clears it.
import { useEffect, useState } from 'react';
import { onCallSettled } from '../api/client.ts';
import { useCrmStatus } from '../api/queries.ts';

export function useOffline(): boolean {
  const { data: crm } = useCrmStatus();
  const [callSaysOffline, setCallSaysOffline] = useState(false);
  useEffect(
    () =>
      onCallSettled((channel, error) => {
        if (error?.code === 'offline') setCallSaysOffline(true);
        else if (!error && channel.startsWith('crm:')) setCallSaysOffline(false);
      }),
    [],
  );
  useEffect(() => {
    if (crm?.online) setCallSaysOffline(false);
  }, [crm?.online]);
  return callSaysOffline || (crm !== undefined && crm.state !== 'not_connected' && !crm.online);
}
