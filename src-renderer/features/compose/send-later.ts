// "Send later" times: the datetime-local field's value (local wall-clock time, minutes) to
// and from ms since the epoch, and the time offered first.

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DDTHH:MM` in local time, the value format of <input type="datetime-local">. */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The field's value as ms, or null when it is empty or not a time. */
export function fromDateTimeLocal(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi);
  return date.getMonth() === mo - 1 && date.getDate() === d ? date.getTime() : null;
}

/** Tomorrow at 08:00 local time: what Gmail offers first. */
export function defaultSendLater(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 8, 0).getTime();
}

/** Why a chosen time cannot be used, or null: it must be a time, and later than `now` by a minute. */
export function sendLaterProblem(value: string, now: number): string | null {
  const at = fromDateTimeLocal(value);
  if (at === null) return 'Choose a date and time';
  if (at < now + 60_000) return 'Choose a time in the future';
  return null;
}
