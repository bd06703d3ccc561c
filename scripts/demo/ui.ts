// What the demo prints for a person: numbered steps, a progress bar that redraws in a
// terminal (and prints a few milestones when piped, so logs and tests stay readable),
// small tables. Everything goes to stdout; the app's JSON logs go to a file instead.

const tty = Boolean(process.stdout.isTTY);
const style = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = style('1');
export const dim = style('2');
export const green = style('32');
export const red = style('31');

export function say(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Lines indented under the current step. */
export function detail(...lines: string[]): void {
  for (const line of lines) say(line ? `    ${line}` : '');
}

/** Seconds with one decimal, e.g. "12.3 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Numbered step headers, "[3/8] Connect Gmail", with each step's duration when it ends. */
export class Steps {
  readonly #total: number;
  #index = 0;
  #started = 0;
  #current = '';

  constructor(total: number) {
    this.#total = total;
  }

  /** The step now running, for failure messages. */
  get current(): string {
    return this.#current;
  }

  start(title: string): void {
    this.#index += 1;
    this.#current = title;
    this.#started = performance.now();
    say();
    say(bold(`[${this.#index}/${this.#total}] ${title}`));
  }

  done(summary: string): void {
    say(`    ${green('✓')} ${summary} ${dim(`(${seconds(performance.now() - this.#started)})`)}`);
  }
}

/**
 * A progress bar fed with {done, total}. In a terminal it redraws one line with the rate;
 * otherwise it prints a line at 0 %, every 25 % and at the end.
 */
export class ProgressBar {
  readonly #label: string;
  readonly #started = performance.now();
  #lastQuarter = -1;
  #drawn = false;

  constructor(label: string) {
    this.#label = label;
  }

  update(done: number, total: number): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const elapsed = (performance.now() - this.#started) / 1000;
    const rate = elapsed > 0.2 ? `${Math.round(done / elapsed)} msg/s` : '';
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
    const line = `    ${this.#label} ${bar} ${String(done).padStart(String(total).length)}/${total} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${rate}`;
    if (tty) {
      process.stdout.write(`\r${line}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.#lastQuarter) {
      this.#lastQuarter = quarter;
      say(line.trimEnd());
    }
  }

  /** Ends the redrawn line (terminal) so the next output starts on its own line. */
  finish(): void {
    if (this.#drawn) process.stdout.write('\n');
    this.#drawn = false;
  }
}

const clip = (text: string, width: number) => (text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`);

/** A plain-text table: header, rule, rows; each column clipped to its width. */
export function table(columns: Array<{ title: string; width: number }>, rows: string[][]): string[] {
  const line = (cells: string[]) => columns.map((c, i) => clip(cells[i] ?? '', c.width)).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), columns.map((c) => '─'.repeat(c.width)).join('  '), ...rows.map(line)];
}
