// Formatting for the message body: bold, italic, lists and links. Each button says whether
// its format is on (aria-pressed); the link form edits the link at the cursor.
import { useState, type FormEvent } from 'react';
import { useEditorState, type Editor } from '@tiptap/react';

export function EditorToolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      link: e.isActive('link'),
      href: (e.getAttributes('link').href as string | undefined) ?? '',
    }),
  });
  const [editingLink, setEditingLink] = useState(false);
  const chain = () => editor.chain().focus();
  const toggle = (label: string, pressed: boolean, run: () => void, shortcut?: string, text = label) => (
    <button
      type="button"
      className="format-button"
      data-format={label}
      aria-pressed={pressed}
      title={shortcut ? `${label} (${shortcut})` : label}
      onMouseDown={(event) => event.preventDefault()}
      onClick={run}
    >
      <span aria-hidden="true">{text}</span>
      <span className="visually-hidden">{label}</span>
    </button>
  );
  return (
    <div className="editor-toolbar" role="group" aria-label="Formatting">
      {toggle('Bold', state.bold, () => chain().toggleBold().run(), 'Ctrl+B', 'B')}
      {toggle('Italic', state.italic, () => chain().toggleItalic().run(), 'Ctrl+I', 'I')}
      {toggle('Bulleted list', state.bulletList, () => chain().toggleBulletList().run(), undefined, '•')}
      {toggle('Numbered list', state.orderedList, () => chain().toggleOrderedList().run(), undefined, '1.')}
      {toggle('Link', state.link || editingLink, () => setEditingLink(!editingLink), undefined, 'Link')}
      {editingLink && <LinkForm editor={editor} href={state.href} onDone={() => setEditingLink(false)} />}
    </div>
  );
}

function LinkForm({ editor, href, onDone }: { editor: Editor; href: string; onDone(): void }) {
  const [value, setValue] = useState(href);
  const [invalid, setInvalid] = useState(false);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const url = value.trim();
    const chain = editor.chain().focus().extendMarkRange('link');
    // setLink refuses URLs the Link extension does not allow (javascript:, data: …).
    const ok = url ? chain.setLink({ href: /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}` }).run() : chain.unsetLink().run();
    if (!ok) return setInvalid(true);
    onDone();
  };
  return (
    <form className="link-form" onSubmit={apply}>
      <input
        type="text"
        aria-label="Link address"
        aria-invalid={invalid}
        placeholder="https://…"
        value={value}
        autoFocus
        onChange={(event) => {
          setValue(event.target.value);
          setInvalid(false);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onDone();
          }
        }}
      />
      <button type="submit" className="button button-small">
        Apply link
      </button>
      {href && (
        <button type="button" className="button button-small" onClick={() => {
            editor.chain().focus().extendMarkRange('link').unsetLink().run();
            onDone();
          }}>
          Remove link
        </button>
      )}
      {invalid && <span className="field-error">Not a link address</span>}
    </form>
  );
}
