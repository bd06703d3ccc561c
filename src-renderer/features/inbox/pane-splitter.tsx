// The split between the thread list and the open thread, as a WAI-ARIA window splitter
// (https://www.w3.org/WAI/ARIA/apg/patterns/windowsplitter/): dragged with the pointer or
// moved with ←/→ (Shift for larger steps), Home/End; the width is the `listPaneWidth`
// setting, so main keeps it across restarts. While dragging only a CSS variable changes;
// the setting is saved once, when the drag or key press ends.
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactElement } from 'react';
import { useSaveSettings } from '../../api/mutations.ts';
import { useSettings } from '../../api/queries.ts';
import { PANE_WIDTH } from './pane-width.ts';

/** Keyboard steps, CSS px. */
const STEP = 16;
const BIG_STEP = 80;
/** The open thread keeps at least this much of the window, CSS px. */
const THREAD_MIN = 360;

const clamp = (width: number) =>
  Math.round(Math.max(PANE_WIDTH.min, Math.min(PANE_WIDTH.max, window.innerWidth - THREAD_MIN, width)));

/** The list pane's width (CSS px, saved setting or a drag in progress) and the splitter that changes it. */
export function usePaneSplit(): { width: number; splitter: ReactElement } {
  const { data: settings } = useSettings();
  const save = useSaveSettings();
  const saved = settings?.listPaneWidth ?? PANE_WIDTH.default;
  const [width, setWidthState] = useState(saved);
  // The width as last set, for pointerup: the render with the last move may not have happened yet.
  const live = useRef(saved);
  const setWidth = (next: number) => {
    live.current = next;
    setWidthState(next);
  };
  useEffect(() => {
    live.current = saved;
    setWidthState(saved);
  }, [saved]);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  const commit = (next: number) => {
    if (next !== saved) save.mutate({ listPaneWidth: next });
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setWidth(clamp(drag.current.startWidth + event.clientX - drag.current.startX));
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    commit(live.current);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    const next =
      event.key === 'ArrowLeft' ? width - step
      : event.key === 'ArrowRight' ? width + step
      : event.key === 'Home' ? PANE_WIDTH.min
      : event.key === 'End' ? PANE_WIDTH.max
      : null;
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    const clamped = clamp(next);
    setWidth(clamped);
    commit(clamped);
  };

  const splitter = (
    <div
      className="pane-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the thread list"
      aria-controls="thread-list-pane"
      aria-valuemin={PANE_WIDTH.min}
      aria-valuemax={PANE_WIDTH.max}
      aria-valuenow={width}
      aria-valuetext={`${width} pixels wide`}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
      onDoubleClick={() => {
        const reset = clamp(PANE_WIDTH.default);
        setWidth(reset);
        commit(reset);
      }}
    />
  );
  return { width, splitter };
}
