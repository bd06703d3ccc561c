// What the inbox's keyboard handling needs from whichever list is showing (the virtual
// thread list or the search hits): how many rows, which thread a row is, and scrolling to it.
export interface NavigableList {
  count(): number;
  threadIdAt(index: number): number | undefined;
  /** The row's subject, for what a keyboard action says it did. */
  subjectAt(index: number): string | undefined;
  reveal(index: number): void;
}
