// The mailbox's change log as history.list serves it: one record per mutation, each with a
// new historyId, and a retention window so a too-old startHistoryId answers 404 as in Gmail.
// Source: https://developers.google.com/gmail/api/reference/rest/v1/users.history/list

/** The message summary inside history records (id, threadId, labelIds at that moment). */
export interface MessageRef {
  id: string;
  threadId: string;
  labelIds: string[];
}

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface HistoryRecord {
  id: number;
  messages: MessageRef[];
  messagesAdded?: { message: MessageRef }[];
  messagesDeleted?: { message: MessageRef }[];
  labelsAdded?: { message: MessageRef; labelIds: string[] }[];
  labelsRemoved?: { message: MessageRef; labelIds: string[] }[];
}

export interface HistoryPage {
  records: HistoryRecord[];
  /** History id of the last record returned, when more records follow. */
  nextAfter: number | null;
}

export class HistoryLog {
  #current: number;
  /** Oldest startHistoryId still answerable. */
  #retainedFrom: number;
  readonly #records: HistoryRecord[] = [];
  readonly #maxRecords: number;

  constructor(start: number, maxRecords: number) {
    this.#current = start;
    this.#retainedFrom = start;
    this.#maxRecords = maxRecords;
  }

  get current(): number {
    return this.#current;
  }

  /** Bumps the historyId; `record` fills the new record (omitting it bumps without a record). */
  append(fill?: Omit<HistoryRecord, 'id'>): number {
    this.#current += 1;
    if (fill) {
      this.#records.push({ id: this.#current, ...fill });
      if (this.#records.length > this.#maxRecords) {
        const dropped = this.#records.splice(0, this.#records.length - this.#maxRecords);
        this.#retainedFrom = dropped[dropped.length - 1]!.id;
      }
    }
    return this.#current;
  }

  /** Forgets everything before the current historyId: older startHistoryIds now answer 404. */
  expire(): void {
    this.#records.length = 0;
    this.#retainedFrom = this.#current;
  }

  /** True when records after `startHistoryId` can still be listed. */
  covers(startHistoryId: number): boolean {
    return startHistoryId >= this.#retainedFrom;
  }

  /**
   * Records with id > `after`, filtered by type and by a label the message carried, at most
   * `max` of them. Cost is O(log n + returned + filtered out).
   */
  page(after: number, max: number, types: Set<HistoryType> | null, labelId: string | null): HistoryPage {
    let lo = 0;
    let hi = this.#records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#records[mid]!.id <= after) lo = mid + 1;
      else hi = mid;
    }
    const records: HistoryRecord[] = [];
    for (let i = lo; i < this.#records.length; i += 1) {
      if (records.length === max) return { records, nextAfter: records[records.length - 1]!.id };
      const filtered = filter(this.#records[i]!, types, labelId);
      if (filtered) records.push(filtered);
    }
    return { records, nextAfter: null };
  }
}

function filter(record: HistoryRecord, types: Set<HistoryType> | null, labelId: string | null): HistoryRecord | null {
  if (!types && !labelId) return record;
  // A label change matches labelId when the message has it or the change is about it
  // (the snapshot after a removal no longer carries the removed label).
  const keep = <T extends { message: MessageRef; labelIds?: string[] }>(list: T[] | undefined, type: HistoryType): T[] | undefined => {
    if (!list || (types && !types.has(type))) return undefined;
    const kept = labelId ? list.filter((e) => e.message.labelIds.includes(labelId) || e.labelIds?.includes(labelId)) : list;
    return kept.length ? kept : undefined;
  };
  const out: HistoryRecord = { id: record.id, messages: [] };
  const added = keep(record.messagesAdded, 'messageAdded');
  const deleted = keep(record.messagesDeleted, 'messageDeleted');
  const labelsAdded = keep(record.labelsAdded, 'labelAdded');
  const labelsRemoved = keep(record.labelsRemoved, 'labelRemoved');
  if (added) out.messagesAdded = added;
  if (deleted) out.messagesDeleted = deleted;
  if (labelsAdded) out.labelsAdded = labelsAdded;
  if (labelsRemoved) out.labelsRemoved = labelsRemoved;
  const refs = [added, deleted, labelsAdded, labelsRemoved].flatMap((l) => (l ?? []).map((e) => e.message));
  if (!refs.length) return null;
  out.messages = refs;
  return out;
}
