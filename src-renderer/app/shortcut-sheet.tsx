// The `?` sheet: every keyboard shortcut of the window, grouped as Gmail's is. The keys
// themselves are handled where they act (inbox-screen, use-thread-actions, thread-pane,
// label-menu, compose-window, app); this list is what the rep reads.
import { Dialog } from '../components/dialog.tsx';
import { SEND_KEYS, TEMPLATE_KEYS } from '../features/compose/compose-modes.ts';

const GROUPS: Array<{ title: string; keys: Array<[string, string]> }> = [
  {
    title: 'Moving around',
    keys: [
      ['j / k', 'Next / previous conversation'],
      ['Enter', 'Open the selected conversation'],
      ['n / p', 'Next / previous message in the conversation'],
      ['Esc', 'Close the contact, the conversation or the search'],
      ['/', 'Search mail'],
      ['?', 'Show these shortcuts'],
    ],
  },
  {
    title: 'Acting on conversations',
    keys: [
      ['r', 'Reply'],
      ['a', 'Reply all'],
      ['f', 'Forward'],
      ['e', 'Archive'],
      ['#', 'Move to Trash'],
      ['s', 'Star or unstar'],
      ['u', 'Mark as unread'],
      ['Shift+L', 'Labels: apply or remove a label (type to filter, Esc closes)'],
      ['l', 'Log to the CRM (the message, or the whole conversation from the list)'],
    ],
  },
  {
    title: 'Writing',
    keys: [
      ['c', 'New message'],
      [SEND_KEYS, 'Send'],
      [TEMPLATE_KEYS, 'Insert a template: type to filter, Enter inserts'],
      ['Esc', 'Close the message, keeping the draft'],
      ['Enter, Tab or ,', 'Add the address typed or chosen'],
    ],
  },
];

export function ShortcutSheet({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={onClose}>
      <div className="shortcut-groups">
        {GROUPS.map((group) => (
          <table key={group.title} className="shortcut-table">
            <caption>{group.title}</caption>
            <thead className="visually-hidden">
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {group.keys.map(([key, action]) => (
                <tr key={`${key}-${action}`}>
                  <th scope="row">
                    <kbd>{key}</kbd>
                  </th>
                  <td>{action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
