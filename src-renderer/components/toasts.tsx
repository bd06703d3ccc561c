// Error and info toasts: one small store any feature can push to, rendered once by the
// shell in a labelled live region. Errors stay until dismissed or 10 s pass. A toast may
// carry one action (Undo) and a callback for when it times out unanswered.
import { useSyncExternalStore } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
  action?: { label: string; run(): void };
}

export interface ToastOptions {
  action?: Toast['action'];
  /** How long it shows, ms (default 5 s, 10 s for errors). */
  durationMs?: number;
  /** Called when its time is up unless its action was taken (dismissing it with × does not stop it). */
  onTimeout?(): void;
}

let toasts: Toast[] = [];
let nextId = 1;
/** Toasts whose action was taken: their onTimeout is not called. */
const actioned = new Set<number>();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows a toast, unless the same text is already showing. */
export function showToast(text: string, kind: Toast['kind'] = 'info', options: ToastOptions = {}): void {
  const id = nextId++;
  // The same failure repeated (e.g. a burst of offline answers) shows once.
  if (toasts.some((t) => t.text === text)) return;
  toasts = [...toasts.slice(-3), { id, kind, text, ...(options.action ? { action: options.action } : {}) }];
  emit();
  setTimeout(() => {
    dismissToast(id);
    if (!actioned.delete(id)) options.onTimeout?.();
  }, options.durationMs ?? (kind === 'error' ? 10_000 : 5_000));
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
    // The region is always there and polite, so a new toast is announced without taking focus;
    // an error is an alert, announced at once.
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite" aria-relevant="additions text">
      {current.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : undefined}>
          <span className="toast-text">{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                actioned.add(toast.id);
                dismissToast(toast.id);
                toast.action!.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
