// The message body: a TipTap (ProseMirror) editor with StarterKit, whose Link mark keeps
// only http(s), mailto and similar safe URLs. Pasted HTML is parsed through the schema, so
// only its nodes and marks survive (no scripts, styles, images or raw HTML). In compose,
// Ctrl/Cmd+Enter sends instead of StarterKit's hard break and Esc closes the window (the
// editor would keep it); Settings uses the same editor for template bodies.
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { EditorContent, Extension, useEditor, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { EditorToolbar } from './editor-toolbar.tsx';

/** What the owner can do to the body: replace it (a template went in), or type at the cursor. */
export interface RichEditorHandle {
  /** Replaces the whole body without reporting it through onChange (the owner has that HTML). */
  setHtml(html: string): void;
  /** Inserts plain text at the cursor (or the end, if the editor never had focus) and focuses it. */
  insertText(text: string): void;
  /** Focuses the body at `at`, or where its cursor last was. */
  focus(at?: 'start'): void;
}

interface RichEditorProps {
  initialHtml: string;
  onChange(html: string): void;
  /** Ctrl/Cmd+Enter; without it the key keeps StarterKit's meaning. */
  onSend?(): void;
  /** Esc; without it the key is left to the page. */
  onClose?(): void;
  autoFocus?: boolean;
  /** The editor's accessible name. */
  label?: string;
  ref?: Ref<RichEditorHandle>;
}

const ComposeKeys = Extension.create<{ send?: () => boolean; close?: () => boolean }>({
  name: 'composeKeys',
  // Above StarterKit's hard break and code block, which also bind Mod-Enter, and its Escape.
  priority: 1000,
  addOptions: () => ({}),
  addKeyboardShortcuts() {
    return {
      'Mod-Enter': () => this.options.send?.() ?? false,
      Escape: () => this.options.close?.() ?? false,
    };
  },
});

export function RichEditor({ initialHtml, onChange, onSend, onClose, autoFocus, label = 'Message body', ref }: RichEditorProps) {
  const handlers = useRef({ onChange, onSend, onClose });
  useEffect(() => {
    handlers.current = { onChange, onSend, onClose };
  });
  const run = (handler: (() => void) | undefined) => {
    if (!handler) return false;
    handler();
    return true;
  };
  const editor = useEditor(
    {
      extensions: [
        StarterKit.configure({ link: { openOnClick: false, autolink: true, defaultProtocol: 'https' } }),
        ComposeKeys.configure({ send: () => run(handlers.current.onSend), close: () => run(handlers.current.onClose) }),
      ],
      content: initialHtml,
      autofocus: autoFocus ? 'start' : false,
      immediatelyRender: true,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: 'compose-editor', role: 'textbox', 'aria-multiline': 'true', 'aria-label': label },
      },
      onUpdate: ({ editor: changed }: { editor: Editor }) => handlers.current.onChange(changed.getHTML()),
    },
    [],
  );
  useImperativeHandle(
    ref,
    () => ({
      setHtml: (html) => void editor.commands.setContent(html, { emitUpdate: false }),
      insertText: (text) => void editor.chain().focus().insertContent({ type: 'text', text }).run(),
      focus: (at) => void editor.commands.focus(at ?? null),
    }),
    [editor],
  );
  return (
    <div className="compose-body">
      <EditorToolbar editor={editor} />
      <EditorContent editor={editor} className="compose-editor-frame" />
    </div>
  );
}
