// The application shell: providers, top bar (search, Compose, navigation, theme), window-wide
// banners and toasts, the screens (mail, drafts, outbox, settings), the compose window and
// the `?` shortcut sheet.
import { useCallback, useEffect, useRef, useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { useEventSync } from '../api/event-sync.ts';
import { useSaveSettings } from '../api/mutations.ts';
import { useAccounts, useCrmStatus, useSettings } from '../api/queries.ts';
import { queryClient, setMutationErrorNotifier } from '../api/query-client.ts';
import { showError, Toaster } from '../components/toasts.tsx';
import { ComposeHost } from '../features/compose/compose-host.tsx';
import { DraftsScreen } from '../features/compose/drafts-screen.tsx';
import { useStartCompose } from '../features/compose/use-start-compose.ts';
import { InboxScreen } from '../features/inbox/inbox-screen.tsx';
import { FirstRun, useFirstRun } from '../features/onboarding/first-run.tsx';
import { OutboxScreen } from '../features/outbox/outbox-screen.tsx';
import { useSendFailureToasts } from '../features/outbox/use-send-failure-toasts.ts';
import { SettingsScreen } from '../features/settings/settings-screen.tsx';
import { Banners } from './banners.tsx';
import { ErrorBoundary } from './error-boundary.tsx';
import { useShortcuts } from './keyboard.ts';
import { MainNav, type View } from './main-nav.tsx';
import { SearchBox } from './search-box.tsx';
import { ShortcutSheet } from './shortcut-sheet.tsx';
import { useResolvedTheme, type ThemeChoice } from './theme.ts';

setMutationErrorNotifier(showError);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Shell />
    </QueryClientProvider>
  );
}

function Shell() {
  useEventSync();
  useSendFailureToasts();
  const [view, setView] = useState<View>('inbox');
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const compose = useStartCompose();
  const [searchQuery, setSearchQuery] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const { data: settings } = useSettings();
  // Until settings load (or if they cannot), the local choice still themes the window.
  const [localTheme, setLocalTheme] = useState<ThemeChoice | null>(null);
  const saveSettings = useSaveSettings();
  const theme = useResolvedTheme(localTheme ?? settings?.theme ?? 'system');
  useEffect(() => setLocalTheme(null), [settings?.theme]);
  useEffect(() => {
    document.documentElement.dataset.density = settings?.density ?? 'comfortable';
  }, [settings?.density]);

  const { data: accounts } = useAccounts();
  const { data: crm } = useCrmStatus();
  const firstRun = useFirstRun(accounts, crm === undefined ? undefined : crm.state !== 'not_connected');

  const openSettings = useCallback(() => setView('settings'), []);
  const clearSearch = useCallback(() => setSearchQuery(''), []);
  const search = useCallback((query: string) => {
    setSearchQuery(query);
    if (query) setView('inbox');
  }, []);

  useShortcuts({
    '/': () => {
      setView('inbox');
      requestAnimationFrame(() => searchRef.current?.focus());
    },
    c: () => compose.start({ mode: 'new' }),
    '?': () => setShortcutsOpen(true),
  });

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    setLocalTheme(next);
    saveSettings.mutate({ theme: next });
  };

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Mailbridge</span>
        <SearchBox ref={searchRef} query={searchQuery} onSearch={search} />
        <MainNav view={view} onChange={setView} onCompose={() => compose.start({ mode: 'new' })} composing={compose.pending} />
        <button
          type="button"
          className="icon-button theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          data-theme-current={theme}
          onClick={toggleTheme}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <Banners onOpenSettings={openSettings} />
      <main className="screen">
        <ErrorBoundary area={view}>
          {view === 'inbox' && firstRun.step ? (
            <FirstRun step={firstRun.step} account={accounts?.[0]} onConnecting={firstRun.connecting} onDone={firstRun.done} />
          ) : view === 'inbox' ? (
            <InboxScreen searchQuery={searchQuery} onClearSearch={clearSearch} onOpenSettings={openSettings} />
          ) : view === 'drafts' ? (
            <DraftsScreen />
          ) : view === 'outbox' ? (
            <OutboxScreen />
          ) : (
            <SettingsScreen />
          )}
        </ErrorBoundary>
      </main>
      <ErrorBoundary area="compose window">
        <ComposeHost />
      </ErrorBoundary>
      <ShortcutSheet open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      <Toaster />
    </div>
  );
}
