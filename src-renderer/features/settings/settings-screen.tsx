// Settings: mail accounts, the CRM connection and preferences.
export function SettingsScreen() {
  return (
    <div className="settings">
      <h1>Settings</h1>
    </div>
  );
}
