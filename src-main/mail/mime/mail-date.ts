// Date header → epoch ms. V8's Date parser reads RFC 2822 dates but also accepts
// nonsense ("12" is December 2001) and reads zone-less dates as local time, so the header
// is first checked against the RFC 5322 §3.3 shape, its obsolete forms (§4.3) are
// rewritten into the canonical one, and only that canonical string is given to V8.

export interface MailDate {
  /** Milliseconds since the Unix epoch, or null when absent or unparseable. */
  ms: number | null;
  /** Why the value is null or not to be trusted, in plain words; null when fine. */
  warning: string | null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// obs-zone names with a defined offset (RFC 5322 §4.3); V8 knows exactly these.
const NAMED_ZONES = new Set(['UT', 'UTC', 'GMT', 'Z', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST', 'PDT']);
const RFC5322 =
  /^(?:[a-z]{2,9}\.?\s*,?\s*)?(\d{1,2})[\s-]*([a-z]{3,9})\.?[\s-]*(\d{2,4}),?\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2})(?:\.\d+)?)?\s*(.*)$/i;
const ASCTIME = /^[a-z]{3},?\s+([a-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([a-z]{1,5}|[+-]\d{4})\s+)?(\d{4})$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a Date header (RFC 5322 §3.3 date-time, with the obsolete forms of §4.3:
 * day-of-week optional, two- and three-digit years, seconds optional, named and military
 * zones, comments such as "(PST)"). A date without a zone, or with a zone name whose
 * offset RFC 5322 does not define (e.g. "CET"), is read as UTC, as §4.3 says for "-0000",
 * and reported. asctime and ISO 8601 dates are accepted with a warning.
 */
export function parseMailDate(value: string | undefined, now = Date.now()): MailDate {
  if (value === undefined) return { ms: null, warning: 'no Date header' };
  const cleaned = stripComments(value).replace(/\s+/g, ' ').trim();
  if (!cleaned) return { ms: null, warning: 'empty Date header' };
  const result = parseRfc5322(cleaned) ?? parseOtherForms(cleaned, value);
  if (!result || result.ms === null || Number.isNaN(result.ms)) {
    return { ms: null, warning: `unparseable Date header: '${clip(value)}'` };
  }
  const year = new Date(result.ms).getUTCFullYear();
  if (year < 1970 || year > new Date(now).getUTCFullYear() + 1) {
    return { ms: result.ms, warning: `implausible Date header: '${clip(value)}'` };
  }
  return result;
}

function parseRfc5322(text: string): MailDate | null {
  const m = RFC5322.exec(text);
  if (!m) return null;
  const [, dayText = '', monthText = '', yearText = '', hourText = '', minuteText = '', secondText, zoneText = ''] = m;
  const month = MONTHS.indexOf(monthText.slice(0, 3).toLowerCase());
  if (month < 0) return null;
  let year = Number(yearText);
  if (yearText.length === 2) year += year < 50 ? 2000 : 1900;
  else if (yearText.length === 3) year += 1900;
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Math.min(Number(secondText ?? '0'), 59); // a leap second (60) is read as 59
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59) return { ms: null, warning: null };

  const { zone, warning } = readZone(zoneText, text);
  const canonical = `${day} ${MONTHS[month]} ${String(year).padStart(4, '0')} ` +
    `${pad(hour)}:${pad(minute)}:${pad(second)} ${zone}`;
  const ms = Date.parse(canonical);
  if (Number.isNaN(ms)) return { ms: null, warning: null };
  return { ms, warning };
}

function readZone(zoneText: string, text: string): { zone: string; warning: string | null } {
  const tokens = zoneText.trim().split(/\s+/).filter(Boolean);
  const numeric = tokens.find((t) => /^[+-]\d{4}$/.test(t));
  if (numeric) return { zone: numeric, warning: null };
  const numericLoose = tokens.find((t) => /^[+-]?\d{1,2}:?\d{2}$/.test(t));
  if (numericLoose) {
    const sign = numericLoose.startsWith('-') ? '-' : '+';
    const digits = numericLoose.replace(/[^\d]/g, '').padStart(4, '0');
    return { zone: `${sign}${digits}`, warning: null };
  }
  const named = tokens.find((t) => NAMED_ZONES.has(t.toUpperCase()));
  if (named) return { zone: named.toUpperCase(), warning: null };
  if (tokens.length === 0) {
    return { zone: '+0000', warning: `Date header has no time zone; read as UTC: '${clip(text)}'` };
  }
  return {
    zone: '+0000',
    warning: `Date header time zone '${clip(tokens[0] ?? '', 20)}' has no defined offset; read as UTC (RFC 5322 §4.3)`,
  };
}

function parseOtherForms(text: string, original: string): MailDate | null {
  const asc = ASCTIME.exec(text);
  if (asc) {
    const [, mon, day, hh, mm, ss, zone, year] = asc;
    const rebuilt = `${day} ${mon} ${year} ${hh}:${mm}${ss ? `:${ss}` : ''} ${zone ?? ''}`.trim();
    const parsed = parseRfc5322(rebuilt);
    if (parsed?.ms != null) {
      return { ms: parsed.ms, warning: parsed.warning ?? `Date header is not in RFC 5322 form: '${clip(original)}'` };
    }
  }
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const ms = Date.parse(iso[1] ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : ''}`);
    if (!Number.isNaN(ms)) return { ms, warning: `Date header is not in RFC 5322 form: '${clip(original)}'` };
  }
  return null;
}

function stripComments(value: string): string {
  let out = value;
  for (let i = 0; i < 5 && /\([^()]*\)/.test(out); i++) out = out.replace(/\([^()]*\)/g, ' ');
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function clip(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
