// Writing a template: its name, subject and body (the compose editor), with the fields main
// fills in as chips that go in at the cursor of the subject or the body, whichever was last
// focused. Not a <form>: the editor's link form sits inside it and must not save the template.
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { EmailTemplate } from '../../../src-preload/contract/index.ts';
import { describeError } from '../../components/toasts.tsx';
import { RichEditor, type RichEditorHandle } from '../compose/rich-editor.tsx';
import { newTemplateId, TEMPLATE_FIELDS } from '../compose/templates.ts';

interface TemplateFormProps {
  /** The template edited; null for a new one. */
  template: EmailTemplate | null;
  pending: boolean;
  /** The last save's failure (main validates), shown inline. */
  error: unknown;
  onSave(template: EmailTemplate): void;
  onCancel(): void;
}

export function TemplateForm({ template, pending, error, onSave, onCancel }: TemplateFormProps) {
  const id = useId();
  const [name, setName] = useState(template?.name ?? '');
  const [subject, setSubject] = useState(template?.subject ?? '');
  const [nameMissing, setNameMissing] = useState(false);
  const html = useRef(template?.html ?? '');
  const body = useRef<RichEditorHandle>(null);
  const subjectField = useRef<HTMLInputElement>(null);
  const target = useRef<'subject' | 'body'>('body');
  const title = template ? `Edit template “${template.name}”` : 'New template';

  const insertField = (field: string) => {
    const input = subjectField.current;
    if (target.current === 'body' || !input) return body.current?.insertText(field);
    const start = input.selectionStart ?? subject.length;
    const end = input.selectionEnd ?? start;
    setSubject(subject.slice(0, start) + field + subject.slice(end));
    requestAnimationFrame(() => {
      input.focus();
      input.setSelectionRange(start + field.length, start + field.length);
    });
  };

  const save = () => {
    if (!name.trim()) {
      setNameMissing(true);
      return document.getElementById(`${id}-name`)?.focus();
    }
    onSave({ id: template?.id ?? newTemplateId(), name: name.trim(), subject, html: html.current });
  };
  const saveOnEnter = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    save();
  };

  return (
    <div className="template-form" role="group" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <div className="template-field">
        <label htmlFor={`${id}-name`}>Template name</label>
        <input
          id={`${id}-name`}
          type="text"
          maxLength={100}
          value={name}
          autoFocus
          aria-invalid={nameMissing}
          aria-describedby={nameMissing ? `${id}-name-error` : undefined}
          onChange={(event) => {
            setName(event.target.value);
            setNameMissing(false);
          }}
          onKeyDown={saveOnEnter}
        />
        {nameMissing && (
          <span id={`${id}-name-error`} role="alert" className="field-error">
            Give the template a name
          </span>
        )}
      </div>
      <div className="template-field">
        <label htmlFor={`${id}-subject`}>Subject</label>
        <input
          ref={subjectField}
          id={`${id}-subject`}
          type="text"
          maxLength={998}
          value={subject}
          onFocus={() => (target.current = 'subject')}
          onChange={(event) => setSubject(event.target.value)}
          onKeyDown={saveOnEnter}
        />
      </div>
      <div className="template-field" onFocus={() => (target.current = 'body')}>
        <span className="template-body-label" aria-hidden="true">
          Body
        </span>
        <div className="template-editor">
          <RichEditor ref={body} label="Template body" initialHtml={template?.html ?? ''} onChange={(changed) => (html.current = changed)} />
        </div>
      </div>
      <div className="template-fields" role="group" aria-labelledby={`${id}-fields`}>
        <span id={`${id}-fields`} className="template-fields-title">
          Insert a field
        </span>
        {TEMPLATE_FIELDS.map(({ field, meaning }) => (
          <button
            key={field}
            type="button"
            className="field-chip"
            title={meaning}
            // Keeps the cursor where it is in the subject or the body.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => insertField(field)}
          >
            {field}
          </button>
        ))}
        <p className="muted template-fields-hint">
          Filled from the first recipient’s CRM record and your account when the template goes in. A field with no value stays, and
          the message waits until you fill it in or remove it.
        </p>
      </div>
      {Boolean(error) && (
        <p role="alert" className="field-error">
          {describeError(error)}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="button button-primary" disabled={pending} onClick={save}>
          Save template
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
