// What the inbox's keyboard handling needs from whichever list is showing (the virtual
// thread list or the search hits): how many rows, which thread a row is, and scrolling to it.
export interface NavigableList {
  count(): number;
  threadIdAt(index: number): number | undefined;
  /** The row's subject, for what a keyboard action says it did. */
  subjectAt(index: number): string | undefined;
  reveal(index: number): void;
  /** The row showing this thread, or -1 when it is not loaded. */
  indexOf(threadId: number): number;
  /** Whether the row's conversation is starred; undefined when the list does not know (search hits). */
  starredAt(index: number): boolean | undefined;
}
