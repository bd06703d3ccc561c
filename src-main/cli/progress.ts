// Progress on stderr for the CLI: rewritten in place on a terminal; one line per step when
// stderr is a pipe or a file, so `imported 200imported 400…` never runs together in a log.

export interface Progress {
  /** Shows `text` as the current step (a repeated text is shown once). */
  update(text: string): void;
  /** Ends the progress display: the terminal's line is closed with a newline. */
  done(): void;
}

/** `stream.isTTY` decides: carriage-return updates on a terminal, plain lines elsewhere. */
export function progressOn(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last: string | null = null;
  return {
    update(text) {
      if (text === last) return;
      last = text;
      // ESC[K clears what a longer earlier step left on the line.
      stream.write(stream.isTTY ? `\r${text}\x1b[K` : `${text}\n`);
    },
    done() {
      if (stream.isTTY && last !== null) stream.write('\n');
      last = null;
    },
  };
}
