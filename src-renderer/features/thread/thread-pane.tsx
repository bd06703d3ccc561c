// The open thread, read with one mail:thread call: subject, "Log thread", messages oldest
// first with the newest expanded and scrolled into view (the one the rep came for), older
// ones collapsed to a line each. Focus moves to the heading when a thread opens; n / p move
// to the next / previous message, expanding it, as in Gmail; r / a / f reply, reply all or
// forward that message. Opening a thread with unread mail marks it read (markReadOnOpen).
import { useEffect, useRef, useState } from 'react';
import type { MailAction, ThreadView } from '../../../src-preload/contract/index.ts';
import { isThreadStarred } from '../../api/mail-action-patches.ts';
import { useLogMessage, useLogThread } from '../../api/mutations.ts';
import { useSettings, useThread } from '../../api/queries.ts';
import { useShortcuts } from '../../app/keyboard.ts';
import { loggedText } from '../../components/log-badge.tsx';
import { describeError, showToast } from '../../components/toasts.tsx';
import { useStartCompose } from '../compose/use-start-compose.ts';
import { MessageCard } from './message-card.tsx';
import { ThreadToolbar, type ReplyMode } from './thread-toolbar.tsx';

interface ThreadPaneProps {
  threadId: number | null;
  onClose(): void;
  onSelectParticipant(address: string): void;
  onOpenSettings(): void;
  /** Acts on a conversation (the inbox patches its list and moves on after archive / trash). */
  onAct(action: MailAction, threadId: number): void;
}

export function ThreadPane({ threadId, ...rest }: ThreadPaneProps) {
  const { data: thread, error, isPending } = useThread(threadId);
  if (threadId === null) {
    return (
      <section className="thread-pane is-empty" aria-label="Thread">
        <p className="empty-hint">Select a conversation. Keys: j / k to move, Enter to open, / to search, l to log.</p>
      </section>
    );
  }
  if (isPending) {
    return (
      <section className="thread-pane" aria-label="Thread" aria-busy="true">
        <p className="empty-hint" role="status">Loading…</p>
      </section>
    );
  }
  if (error) {
    return (
      <section className="thread-pane" aria-label="Thread">
        <p className="error-panel" role="alert">{describeError(error)}</p>
        <button type="button" className="button" onClick={rest.onClose}>Close thread</button>
      </section>
    );
  }
  return <ThreadContent key={thread.id} thread={thread} {...rest} />;
}

function ThreadContent({ thread, onClose, onSelectParticipant, onOpenSettings, onAct }: { thread: ThreadView } & Omit<ThreadPaneProps, 'threadId'>) {
  const heading = useRef<HTMLHeadingElement>(null);
  const header = useRef<HTMLElement>(null);
  // The sticky header's height (it wraps when the toolbar does): messages scrolled to stop below it.
  useEffect(() => {
    const element = header.current;
    if (!element) return;
    const pane = element.parentElement!;
    const measure = () => pane.style.setProperty('--thread-header-height', `${element.offsetHeight}px`);
    measure(); // before the first scroll to the newest message, which runs next
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const logThread = useLogThread();
  const logMessage = useLogMessage(thread.id);
  const newest = thread.messages[thread.messages.length - 1]?.id;
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set(newest === undefined ? [] : [newest]));
  const list = useRef<HTMLDivElement>(null);
  /** The message n / p move from: the newest until the rep moves. */
  const current = useRef(thread.messages.length - 1);
  const cardAt = (index: number) => list.current?.querySelectorAll<HTMLElement>('article[data-message-id]')[index];
  /** The message the rep is on: the focused one, else the one n / p reached (the newest at first). */
  const currentMessage = () => {
    const article = document.activeElement?.closest<HTMLElement>('article[data-message-id]');
    return thread.messages.find((m) => String(m.id) === article?.dataset.messageId) ?? thread.messages[current.current];
  };
  const compose = useStartCompose();
  const reply = (mode: ReplyMode) => {
    const message = currentMessage();
    if (message) compose.start({ mode, messageId: message.id });
  };
  const markReadOnOpen = useSettings().data?.markReadOnOpen;
  const markedRead = useRef(false);
  useEffect(() => {
    if (!markReadOnOpen || markedRead.current || !thread.messages.some((m) => m.unread)) return;
    markedRead.current = true;
    onAct('read', thread.id);
  }, [markReadOnOpen, thread, onAct]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
    if (thread.messages.length > 1) cardAt(thread.messages.length - 1)?.scrollIntoView({ block: 'start' });
    // Once, when the thread opens: later renders (a log state changing) must not scroll.
  }, []);
  const moveTo = (index: number) => {
    const message = thread.messages[index];
    if (!message) return;
    current.current = index;
    setExpanded((open) => (open.has(message.id) ? open : new Set(open).add(message.id)));
    // After the expansion renders, so the card is scrolled to with its body.
    requestAnimationFrame(() => {
      const card = cardAt(index);
      card?.focus({ preventScroll: true });
      card?.scrollIntoView({ block: 'start' });
    });
  };
  useShortcuts({
    n: () => moveTo(Math.min(current.current + 1, thread.messages.length - 1)),
    p: () => moveTo(Math.max(current.current - 1, 0)),
    l: () => {
      const message = currentMessage();
      if (!message || message.logState.state !== 'none') return;
      logMessage.mutate(message.id, { onSuccess: (state) => showToast(loggedText(message.subject || thread.subject || '(no subject)', [state])) });
    },
    r: () => reply('reply'),
    a: () => reply('reply-all'),
    f: () => reply('forward'),
  });

  const states = thread.messages.map((m) => m.logState.state);
  const allLogged = states.length > 0 && states.every((s) => s === 'logged');
  const anyPending = states.some((s) => s === 'queued');
  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="thread-pane" aria-label="Thread" data-thread-id={thread.id}>
      <header className="thread-header" ref={header}>
        <h2 ref={heading} tabIndex={-1} className="thread-title">
          {thread.subject || '(no subject)'}
        </h2>
        <div className="thread-actions">
          <button
            type="button"
            className="button button-primary"
            disabled={allLogged || logThread.isPending}
            onClick={() => logThread.mutate(thread.id)}
          >
            Log thread
          </button>
          {(allLogged || anyPending) && (
            <span className="thread-log-summary" role="status">
              {allLogged ? 'All messages logged' : 'Logging…'}
            </span>
          )}
          <button type="button" className="icon-button" aria-label="Close thread" onClick={onClose}>
            ×
          </button>
        </div>
        <ThreadToolbar thread={thread} starred={isThreadStarred(thread)} composing={compose.pending} onCompose={reply} onAct={(action) => onAct(action, thread.id)} />
      </header>
      <div className="message-list" ref={list}>
        {thread.messages.map((message, index) => (
          <MessageCard
            key={message.id}
            threadId={thread.id}
            message={message}
            index={index}
            expanded={expanded.has(message.id)}
            onToggle={() => toggle(message.id)}
            onSelectParticipant={onSelectParticipant}
            onOpenSettings={onOpenSettings}
          />
        ))}
      </div>
    </section>
  );
}
