// The renderer's page objects, for the e2e specs.
export { InboxPage } from './inbox-page.ts';
export { ThreadPage, type LogState } from './thread-page.ts';
export { ContactPanel } from './contact-panel.ts';
export { SettingsPage } from './settings-page.ts';
export { ComposePage } from './compose-page.ts';
