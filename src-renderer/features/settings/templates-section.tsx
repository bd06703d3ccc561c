// Saved templates (settings.templates), inserted from the compose window: the list with Edit
// and Delete (with Undo), and New template. The form, with its editor, loads on first use so
// TipTap stays out of the start-up bundle.
import { lazy, Suspense, useRef, useState } from 'react';
import type { EmailTemplate, Settings } from '../../../src-preload/contract/index.ts';
import { useSaveSettings } from '../../api/mutations.ts';
import { useSettings } from '../../api/queries.ts';
import { queryClient } from '../../api/query-client.ts';
import { keys } from '../../api/query-keys.ts';
import { describeError, showToast } from '../../components/toasts.tsx';
import { TEMPLATE_KEYS } from '../compose/compose-modes.ts';
import { putTemplate, restoreTemplate } from '../compose/templates.ts';

const TemplateForm = lazy(() => import('./template-form.tsx').then((m) => ({ default: m.TemplateForm })));

/** The saved list as it stands now (a toast's Undo runs long after this render). */
const latestTemplates = (): EmailTemplate[] => queryClient.getQueryData<Settings>(keys.settings)?.templates ?? [];

export function TemplatesSection() {
  const { data: settings, error } = useSettings();
  const save = useSaveSettings();
  const [editing, setEditing] = useState<EmailTemplate | 'new' | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const templates = settings?.templates ?? [];

  const close = (focusId?: string) => {
    setEditing(null);
    save.reset();
    requestAnimationFrame(() => {
      const edit = focusId ? list.current?.querySelector<HTMLElement>(`[data-template-id="${focusId}"] button`) : null;
      (edit ?? newButton.current)?.focus();
    });
  };
  const open = (target: EmailTemplate | 'new') => {
    save.reset();
    setEditing(target);
  };
  const put = (template: EmailTemplate) => save.mutate({ templates: putTemplate(latestTemplates(), template) }, { onSuccess: () => close(template.id) });
  const remove = (template: EmailTemplate, index: number) => {
    if (editing !== 'new' && editing?.id === template.id) setEditing(null);
    save.mutate(
      { templates: latestTemplates().filter((t) => t.id !== template.id) },
      {
        onSuccess: () =>
          showToast(`Deleted template “${template.name}”`, 'info', {
            action: { label: 'Undo', run: () => save.mutate({ templates: restoreTemplate(latestTemplates(), template, index) }) },
            durationMs: 8_000,
          }),
      },
    );
    newButton.current?.focus();
  };

  return (
    <section className="settings-section" aria-labelledby="templates-heading">
      <div className="screen-heading">
        <h2 id="templates-heading">Templates</h2>
        <button ref={newButton} type="button" className="button" disabled={editing === 'new'} onClick={() => open('new')}>
          New template
        </button>
      </div>
      {error && <p role="alert" className="field-error">{describeError(error)}</p>}
      <ul ref={list} className="template-list" aria-labelledby="templates-heading">
        {templates.map((template, index) => (
          <li key={template.id} className="template-item" aria-label={template.name} data-template-id={template.id}>
            <div className="template-main">
              <strong>{template.name}</strong>
              <span className="muted">{template.subject || '(no subject)'}</span>
            </div>
            <div className="account-actions">
              <button type="button" className="button button-small" aria-label={`Edit template “${template.name}”`} onClick={() => open(template)}>
                Edit
              </button>
              <button
                type="button"
                className="button button-small button-danger"
                aria-label={`Delete template “${template.name}”`}
                disabled={save.isPending}
                onClick={() => remove(template, index)}
              >
                Delete
              </button>
            </div>
          </li>
        ))}
        {settings && templates.length === 0 && <li className="muted">No templates yet. Saved ones go into a message from Templates ({TEMPLATE_KEYS}).</li>}
      </ul>
      {editing && (
        <Suspense fallback={<p role="status" className="muted">Loading the editor…</p>}>
          <TemplateForm
            key={editing === 'new' ? 'new' : editing.id}
            template={editing === 'new' ? null : editing}
            pending={save.isPending}
            error={save.error}
            onSave={put}
            onCancel={() => close(editing === 'new' ? undefined : editing.id)}
          />
        </Suspense>
      )}
      {!editing && save.isError && <p role="alert" className="field-error">{describeError(save.error)}</p>}
    </section>
  );
}
