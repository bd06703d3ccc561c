// A message the provider refused becomes one error toast, with its reason and Retry; the
// Outbox keeps showing it until it is sent or taken back.
import { useEffect } from 'react';
import { useRetrySend } from '../../api/compose-mutations.ts';
import { onSendFailed } from '../../api/event-sync.ts';
import { showToast } from '../../components/toasts.tsx';

export function useSendFailureToasts(): void {
  const { mutate: retry } = useRetrySend();
  useEffect(
    () =>
      onSendFailed((item) =>
        showToast(`Not sent: “${item.subject || '(no subject)'}”: ${item.error ?? 'the provider refused it'}`, 'error', {
          action: { label: 'Retry', run: () => retry(item.id) },
        }),
      ),
    [retry],
  );
}
