// Light and dark themes as CSS custom properties on :root[data-theme]; 'system' follows
// prefers-color-scheme live. The choice is the `theme` setting main persists.
import { useEffect, useState } from 'react';
import type { Settings } from '../../src-preload/contract/index.ts';

export type ThemeChoice = Settings['theme'];
const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function useResolvedTheme(choice: ThemeChoice): 'light' | 'dark' {
  const [systemDark, setSystemDark] = useState(() => darkQuery().matches);
  useEffect(() => {
    const query = darkQuery();
    const onChange = () => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  const resolved = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);
  return resolved;
}
