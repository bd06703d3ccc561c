// Renders the compose window for the open draft, once for the whole app window; a new
// draft (another reply, Undo) remounts it, so the previous one saves as it goes. The window
// (and the editor with it) loads on first use, keeping it out of the start-up bundle.
import { lazy, Suspense } from 'react';
import { useComposeDraft } from './compose-store.ts';

const ComposeWindow = lazy(() => import('./compose-window.tsx').then((m) => ({ default: m.ComposeWindow })));

export function ComposeHost() {
  const draft = useComposeDraft();
  if (!draft) return null;
  return (
    <Suspense fallback={null}>
      <ComposeWindow key={draft.id} draft={draft} />
    </Suspense>
  );
}
