// Gmail's label catalogue: the fixed system labels plus user labels ("Label_<n>"), and
// per-label message counts kept up to date so list estimates never scan the mailbox.
// Source: https://developers.google.com/gmail/api/guides/labels

export interface Label {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: 'show' | 'hide';
  labelListVisibility?: 'labelShow' | 'labelShowIfUnread' | 'labelHide';
}

const SYSTEM: Label[] = [
  { id: 'CHAT', name: 'CHAT', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'SENT', name: 'SENT', type: 'system' },
  { id: 'INBOX', name: 'INBOX', type: 'system' },
  { id: 'IMPORTANT', name: 'IMPORTANT', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'TRASH', name: 'TRASH', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'DRAFT', name: 'DRAFT', type: 'system' },
  { id: 'SPAM', name: 'SPAM', type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' },
  { id: 'CATEGORY_FORUMS', name: 'CATEGORY_FORUMS', type: 'system' },
  { id: 'CATEGORY_UPDATES', name: 'CATEGORY_UPDATES', type: 'system' },
  { id: 'CATEGORY_PERSONAL', name: 'CATEGORY_PERSONAL', type: 'system' },
  { id: 'CATEGORY_PROMOTIONS', name: 'CATEGORY_PROMOTIONS', type: 'system' },
  { id: 'CATEGORY_SOCIAL', name: 'CATEGORY_SOCIAL', type: 'system' },
  { id: 'STARRED', name: 'STARRED', type: 'system' },
  { id: 'UNREAD', name: 'UNREAD', type: 'system' },
];

export class LabelCatalog {
  readonly #byId = new Map<string, Label>(SYSTEM.map((l) => [l.id, { ...l }]));
  readonly #idByName = new Map<string, string>(SYSTEM.map((l) => [l.name.toLowerCase(), l.id]));
  readonly #counts = new Map<string, number>();
  #nextUser = 1;

  list(): Label[] {
    return [...this.#byId.values()].map((l) => ({ ...l }));
  }

  get(id: string): Label | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** A label id for `idOrName`: a known id, a known name (case-insensitive), or a new user label. */
  resolve(idOrName: string): string {
    if (this.#byId.has(idOrName)) return idOrName;
    const known = this.#idByName.get(idOrName.toLowerCase());
    if (known) return known;
    const id = `Label_${this.#nextUser++}`;
    this.#byId.set(id, { id, name: idOrName, type: 'user', messageListVisibility: 'show', labelListVisibility: 'labelShow' });
    this.#idByName.set(idOrName.toLowerCase(), id);
    return id;
  }

  count(id: string): number {
    return this.#counts.get(id) ?? 0;
  }

  adjust(ids: Iterable<string>, delta: 1 | -1): void {
    for (const id of ids) this.#counts.set(id, (this.#counts.get(id) ?? 0) + delta);
  }
}
