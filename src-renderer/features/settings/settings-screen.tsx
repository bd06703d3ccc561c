// Settings: mail accounts, the CRM connection, preferences and templates, one labelled section each.
import { AccountsSection } from './accounts-section.tsx';
import { CrmSection } from './crm-section.tsx';
import { PreferencesSection } from './preferences-section.tsx';
import { TemplatesSection } from './templates-section.tsx';

export function SettingsScreen() {
  return (
    <div className="settings">
      <div className="settings-inner">
        <h1>Settings</h1>
        <AccountsSection />
        <CrmSection />
        <PreferencesSection />
        <TemplatesSection />
      </div>
    </div>
  );
}
