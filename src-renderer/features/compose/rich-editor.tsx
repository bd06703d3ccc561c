// The message body: a TipTap (ProseMirror) editor with StarterKit, whose Link mark keeps
// only http(s), mailto and similar safe URLs. Pasted HTML is parsed through the schema, so
// only its nodes and marks survive (no scripts, styles, images or raw HTML). Ctrl/Cmd+Enter
// sends instead of StarterKit's hard break; Esc closes the window (the editor would keep it).
import { useEffect, useRef } from 'react';
import { EditorContent, Extension, useEditor, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { EditorToolbar } from './editor-toolbar.tsx';

interface RichEditorProps {
  initialHtml: string;
  onChange(html: string): void;
  onSend(): void;
  onClose(): void;
  autoFocus?: boolean;
}

const ComposeKeys = Extension.create<{ send(): void; close(): void }>({
  name: 'composeKeys',
  // Above StarterKit's hard break and code block, which also bind Mod-Enter, and its Escape.
  priority: 1000,
  addOptions: () => ({ send: () => {}, close: () => {} }),
  addKeyboardShortcuts() {
    return {
      'Mod-Enter': () => {
        this.options.send();
        return true;
      },
      Escape: () => {
        this.options.close();
        return true;
      },
    };
  },
});

export function RichEditor({ initialHtml, onChange, onSend, onClose, autoFocus }: RichEditorProps) {
  const handlers = useRef({ onChange, onSend, onClose });
  useEffect(() => {
    handlers.current = { onChange, onSend, onClose };
  });
  const editor = useEditor(
    {
      extensions: [
        StarterKit.configure({ link: { openOnClick: false, autolink: true, defaultProtocol: 'https' } }),
        ComposeKeys.configure({ send: () => handlers.current.onSend(), close: () => handlers.current.onClose() }),
      ],
      content: initialHtml,
      autofocus: autoFocus ? 'start' : false,
      immediatelyRender: true,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: 'compose-editor', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Message body' },
      },
      onUpdate: ({ editor: changed }: { editor: Editor }) => handlers.current.onChange(changed.getHTML()),
    },
    [],
  );
  return (
    <div className="compose-body">
      <EditorToolbar editor={editor} />
      <EditorContent editor={editor} className="compose-editor-frame" />
    </div>
  );
}
