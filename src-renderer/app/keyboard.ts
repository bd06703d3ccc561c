// Single-key shortcuts (j/k, Enter, Esc, /, l) on the window, ignored while the rep types
// in a field or a modal dialog is open. Handlers are read through a ref so callers can
// pass fresh closures every render without re-subscribing.
import { useEffect, useRef } from 'react';

/** A handler returning false leaves the key to the next listener (e.g. the inbox after the thread). */
export type ShortcutMap = Partial<Record<string, (event: KeyboardEvent) => boolean | void>>;

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useShortcuts(shortcuts: ShortcutMap): void {
  const ref = useRef(shortcuts);
  useEffect(() => {
    ref.current = shortcuts;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      if (isTyping(event.target)) return;
      // Enter on a focused button or link is the control's own action, not "open thread".
      if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('button, a, summary')) return;
      const handler = ref.current[event.key];
      if (!handler || handler(event) === false) return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
