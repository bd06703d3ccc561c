// The {{fields}} a message still has unfilled in its subject and body, checked as the rep
// types; while there are any, `message` says why Send waits (main refuses it too).
import { useCallback, useState } from 'react';
import { unfilledFields, unfilledMessage } from './templates.ts';

export function useUnfilledFields(subject: string, html: string): { message: string | null; check(subject: string, html: string): void } {
  const [fields, setFields] = useState(() => unfilledFields(subject, html));
  const check = useCallback((nextSubject: string, nextHtml: string) => {
    const next = unfilledFields(nextSubject, nextHtml);
    setFields((previous) => (previous.join() === next.join() ? previous : next));
  }, []);
  return { message: unfilledMessage(fields), check };
}
