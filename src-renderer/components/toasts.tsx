// Error and info toasts: one small store any feature can push to, rendered once by the
// shell in a labelled live region. Errors stay until dismissed or 10 s pass.
import { useSyncExternalStore } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function showToast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = nextId++;
  // The same failure repeated (e.g. a burst of offline answers) shows once.
  if (toasts.some((t) => t.text === text)) return;
  toasts = [...toasts.slice(-3), { id, kind, text }];
  emit();
  setTimeout(() => dismissToast(id), kind === 'error' ? 10_000 : 5_000);
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Words for a failed call, by error code and channel. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  switch (error.code) {
    case 'not_found':
      if (!error.channel.startsWith('crm:log')) return capitalise(error.message);
      return /no crm contact/i.test(error.message) ? capitalise(error.message) : `No CRM contact among the participants: ${error.message}`;
    case 'offline':
      return `Offline: ${error.message}`;
    case 'reconnect_required':
      return `Reconnect required: ${error.message}`;
    case 'rate_limited':
      return `Slow down: ${error.message}`;
    case 'keychain_unavailable':
      return `The system keychain is unavailable: ${error.message}`;
    default:
      return capitalise(error.message);
  }
}

export const showError = (error: unknown): void => showToast(describeError(error), 'error');

export function Toaster() {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {current.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span className="toast-text">{toast.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
