// Finds where a plain-text reply's quoted history starts, so it can be collapsed behind
// "Show quoted text": an "On … wrote:" attribution (also split over two lines and in a few
// other languages), an Outlook "-----Original Message-----" or From:/Sent: header block,
// or a trailing run of ">" lines. Quotes interleaved with the reply (inline answers) stay.

export interface SplitReply {
  /** What the sender wrote in this message. */
  reply: string;
  /** The quoted history, or null when there is none. */
  quoted: string | null;
}

const ATTRIBUTION_START = /^\s*(On|Le|Am|El|Il|Op|Em|Den|På|W dniu)\s.+/i;
const ATTRIBUTION_VERB = /\b(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał|написал|kirjoitti)\b[^\n]*:\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Forwarded message)\s*-{2,}\s*$/i;
const HEADER_FROM = /^\s*\*?(From|De|Von|Van|Da|Fra|Od|От)\s*:\*?\s+\S/i;
const HEADER_FOLLOW = /^\s*\*?(Sent|Date|Envoyé|Gesendet|Enviado|Inviato|Verzonden|Sendt|Wysłano|Отправлено|To|À|An|Para|A|Aan|Til|Do|Кому|Subject|Objet|Betreff|Asunto|Oggetto)\s*:\*?/i;
const QUOTED_LINE = /^\s*>/;

/** Number of lines the attribution at line i spans (clients wrap it over up to 3 lines), or 0. */
function attributionAt(lines: string[], i: number): number {
  if (!ATTRIBUTION_START.test(lines[i]!)) return 0;
  let joined = '';
  for (let j = i; j < Math.min(lines.length, i + 3); j++) {
    if (j > i && (QUOTED_LINE.test(lines[j]!) || lines[j]!.trim() === '' || lines[j]!.length > 120)) return 0;
    joined += ` ${lines[j]!.trim()}`;
    if (ATTRIBUTION_VERB.test(joined)) return j - i + 1;
  }
  return 0;
}

/** Quoted lines followed by unquoted text: the sender answered inline, so nothing is hidden. */
function isInlineReply(lines: string[], from: number): boolean {
  let seenQuote = false;
  for (let j = from; j < lines.length; j++) {
    if (QUOTED_LINE.test(lines[j]!)) seenQuote = true;
    else if (seenQuote && lines[j]!.trim() !== '') return true;
  }
  return false;
}

function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  let follows = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
    if (HEADER_FOLLOW.test(lines[j]!)) follows++;
  }
  return follows >= 2;
}

function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (ORIGINAL_MESSAGE.test(lines[i]!) || headerBlockAt(lines, i)) return i;
    const span = attributionAt(lines, i);
    if (span > 0) return isInlineReply(lines, i + span) ? -1 : i;
  }
  // No header: a run of ">" lines with nothing but blank lines after it.
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  let start = end;
  while (start > 0 && (QUOTED_LINE.test(lines[start - 1]!) || lines[start - 1]!.trim() === '')) start--;
  while (start < end && lines[start]!.trim() === '') start++;
  return start < end && QUOTED_LINE.test(lines[start]!) ? start : -1;
}

export function splitReply(text: string): SplitReply {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = quoteStart(lines);
  if (start <= 0) return { reply: start === 0 ? '' : text, quoted: start === 0 ? text : null };
  return { reply: lines.slice(0, start).join('\n').trimEnd(), quoted: lines.slice(start).join('\n') };
}
