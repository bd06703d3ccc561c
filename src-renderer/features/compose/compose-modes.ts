// Words for compose modes and the send and template keys, shared by the compose window, the
// Drafts list and the shortcut sheet without loading the editor.
import type { ComposeMode } from '../../../src-preload/contract/index.ts';

export const MODE_TITLES: Record<ComposeMode, string> = { new: 'New message', reply: 'Reply', 'reply-all': 'Reply all', forward: 'Forward' };

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
/** Ctrl+Enter, or ⌘+Enter on macOS. */
export const SEND_KEYS = isMac ? '⌘+Enter' : 'Ctrl+Enter';
/** Ctrl+Shift+T, or ⌘+Shift+T on macOS: the template picker. */
export const TEMPLATE_KEYS = isMac ? '⌘+Shift+T' : 'Ctrl+Shift+T';
