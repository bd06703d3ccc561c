// A synthetic mailbox of any size for the scale benchmark (issue 9 item 6), with the mix a
// rep's real mailbox has: conversations with customers (In-Reply-To and References chains,
// quoted history growing down the thread, text with an HTML alternative as Gmail and
// Outlook send them), HTML newsletters and notifications (tables, inline styles, remote
// images), attachments from a few KB to 10 MB (PDF, images and archives as incompressible
// bytes, spreadsheets and calendar files as text), five years of dates, and seven
// languages. Messages are composed by nodemailer's MailComposer into a maildir
// (https://cr.yp.to/proto/maildir.html). Deterministic: the same count and seed give the
// same bytes (multipart boundaries and binary content are drawn from the seed too).
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../seeded-random.ts';

export interface SyntheticMailboxOptions {
  /** Maildir to create (cur/ is written). */
  dir: string;
  messages: number;
  seed?: number;
}

/** What was written, for the report. Bytes are the files' sizes on disk. */
export interface SyntheticMailboxFigures {
  messages: number;
  rawBytes: number;
  threads: number;
  /** Newsletters and notifications: HTML, one message each. */
  newsletters: number;
  withAttachments: number;
  attachments: number;
  /** Decoded attachment bytes, and the largest one. */
  attachmentBytes: number;
  largestAttachmentBytes: number;
  /** Messages by the language of their text. */
  languages: Record<string, number>;
  /** Date of the oldest and the newest message (ISO 8601). */
  oldest: string;
  newest: string;
}

/** The rep whose mailbox it is. */
export const SYNTHETIC_REP = { name: 'Riley Chen', address: 'riley.chen@mailbridge-bench.test' };
const REP = SYNTHETIC_REP;
/** The newest message's date; the mailbox spans the five years before it. */
const END = Date.UTC(2026, 10, 30, 18, 0, 0);
const SPAN_MS = 5 * 365 * 86_400_000;
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Every this many messages one carries a full 10 MB attachment, so the largest size is always present. */
const LARGE_EVERY = 5_000;

/** Short texts a rep and customers write, by language (the corpora's mix: mostly English). */
const LANGUAGES = {
  en: {
    weight: 55,
    subjects: ['Pricing for the renewal', 'Demo recap and next steps', 'Security questionnaire', 'Quarterly business review', 'Pilot results', 'Contract redlines', 'Invoice question', 'Onboarding plan'],
    lines: ['Following up on our call, here is the pricing for the renewal.', 'Could you send over a version with annual billing?', 'Works for us. Please send a calendar invite for Tuesday at 10:00.', 'Legal came back with redlines on sections 4 and 7.', 'The pilot wrapped up on Friday; response times improved across the board.', 'Finance flagged a question on the invoice; can you confirm the PO number?'],
    greeting: 'Hi', closing: 'Best regards',
  },
  de: {
    weight: 10,
    subjects: ['Angebot für die Verlängerung', 'Rückfragen zum Vertrag', 'Termin für das Quartalsgespräch', 'Ergebnisse der Pilotphase'],
    lines: ['Vielen Dank für das Gespräch, anbei das Angebot für die Verlängerung.', 'Können Sie uns eine Variante mit jährlicher Abrechnung schicken?', 'Die Rechtsabteilung hat Änderungen an den Abschnitten 4 und 7 vorgeschlagen.', 'Passt für uns, bitte schicken Sie eine Einladung für Dienstag um 10 Uhr.'],
    greeting: 'Hallo', closing: 'Viele Grüße',
  },
  fr: {
    weight: 10,
    subjects: ['Proposition tarifaire pour le renouvellement', 'Compte rendu de la démo', 'Questionnaire de sécurité', 'Résultats du pilote'],
    lines: ['Suite à notre échange, voici la proposition tarifaire pour le renouvellement.', 'Pourriez-vous nous envoyer une version avec facturation annuelle ?', 'Le service juridique a proposé des modifications aux articles 4 et 7.', 'Cela nous convient, merci d’envoyer une invitation pour mardi à 10 h.'],
    greeting: 'Bonjour', closing: 'Cordialement',
  },
  es: {
    weight: 8,
    subjects: ['Precios para la renovación', 'Resumen de la demostración', 'Cuestionario de seguridad', 'Resultados del piloto'],
    lines: ['Tras nuestra llamada, le envío los precios para la renovación.', '¿Podría enviarnos una versión con facturación anual?', 'El equipo legal propuso cambios en las secciones 4 y 7.', 'Nos viene bien; por favor envíe una invitación para el martes a las 10:00.'],
    greeting: 'Hola', closing: 'Saludos cordiales',
  },
  pt: {
    weight: 5,
    subjects: ['Proposta de renovação', 'Próximos passos após a demonstração', 'Resultados do piloto'],
    lines: ['Conforme conversamos, segue a proposta de renovação.', 'Vocês poderiam enviar uma versão com faturamento anual?', 'O jurídico sugeriu alterações nas cláusulas 4 e 7.'],
    greeting: 'Olá', closing: 'Atenciosamente',
  },
  ru: {
    weight: 6,
    subjects: ['Цены на продление', 'Итоги демонстрации', 'Результаты пилотного проекта'],
    lines: ['По итогам звонка направляю цены на продление лицензии.', 'Не могли бы вы прислать вариант с ежегодной оплатой?', 'Юристы предложили правки к разделам 4 и 7.'],
    greeting: 'Здравствуйте', closing: 'С уважением',
  },
  ja: {
    weight: 6,
    subjects: ['契約更新のお見積り', 'デモのご報告と今後の進め方', '試験導入の結果について'],
    lines: ['先日のお打ち合わせの件、契約更新のお見積りをお送りいたします。', '年払いでのお見積りもご用意いただけますでしょうか。', '法務より第4条と第7条について修正の提案がありました。'],
    greeting: 'お世話になっております。', closing: 'よろしくお願いいたします。',
  },
} as const;
type Language = keyof typeof LANGUAGES;

const FIRST = ['Ana', 'Thomas', 'Diego', 'Hanna', 'Pedro', 'Ann', 'Francisco', 'Yoshi', 'Elizabeth', 'Martín', 'Laurence', 'Victoria', 'Patricio', 'Maria', 'Jonas', 'Chloé', 'Sergei', 'Aiko', 'Lucas', 'Ingrid'];
const LAST = ['Trujillo', 'Hardy', 'Roel', 'Moos', 'Afonso', 'Devon', 'Chang', 'Tannamuri', 'Brown', 'Sommer', 'Lebihan', 'Ashworth', 'Simpson', 'Anders', 'Berg', 'Martin', 'Ivanov', 'Sato', 'Silva', 'Larsen'];
const NEWSLETTERS = [
  { name: 'SaaS Weekly', address: 'digest@saasweekly.example', subject: 'This week in SaaS: pricing pages that convert' },
  { name: 'LinkedIn Sales Navigator', address: 'messages-noreply@linkedin.example', subject: 'New leads match your saved search' },
  { name: 'Calendly', address: 'notifications@calendly.example', subject: 'New event scheduled' },
  { name: 'DocuSign', address: 'dse@docusign.example', subject: 'Completed: Please DocuSign the order form' },
  { name: 'Zoom', address: 'no-reply@zoom.example', subject: 'Cloud recording is now available' },
  { name: 'Gartner', address: 'insights@gartner.example', subject: 'Research: the 2026 sales technology landscape' },
];
const BINARY_TYPES = [
  { ext: 'pdf', type: 'application/pdf', names: ['Order Form', 'Proposal', 'Security Whitepaper', 'Invoice', 'Signed Contract'] },
  { ext: 'png', type: 'image/png', names: ['screenshot', 'dashboard', 'architecture'] },
  { ext: 'jpg', type: 'image/jpeg', names: ['IMG_2041', 'whiteboard', 'team-offsite'] },
  { ext: 'docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', names: ['Redlines v3', 'Statement of Work'] },
  { ext: 'zip', type: 'application/zip', names: ['logs', 'export'] },
];
const TEXT_TYPES = [
  { ext: 'csv', type: 'text/csv', names: ['usage-report', 'seats', 'pipeline'] },
  { ext: 'ics', type: 'text/calendar', names: ['invite'] },
];

/** Writes the mailbox; resolves to what it holds. */
export async function writeSyntheticMailbox(options: SyntheticMailboxOptions): Promise<SyntheticMailboxFigures> {
  const seed = options.seed ?? 9_100_000;
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const bytes = deterministicBytes(seed);
  const languages = Object.entries(LANGUAGES) as Array<[Language, (typeof LANGUAGES)[Language]]>;
  const totalWeight = languages.reduce((sum, [, l]) => sum + l.weight, 0);
  const pickLanguage = (): Language => {
    let r = random() * totalWeight;
    for (const [code, l] of languages) if ((r -= l.weight) < 0) return code;
    return 'en';
  };
  const companies = Array.from({ length: 600 }, (_, i) => ({ name: `${pick(LAST)} ${pick(['Logistics', 'Pharma', 'Systems', 'Retail', 'Energy', 'Capital', 'Foods'])}`, domain: `customer${i}.example` }));
  const contact = () => {
    const company = pick(companies);
    const [first, last] = [pick(FIRST), pick(LAST)];
    const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
    return { name: `${first} ${last}`, address: `${local}@${company.domain}`, company: company.name };
  };

  const cur = join(options.dir, 'cur');
  mkdirSync(cur, { recursive: true });
  const figures: SyntheticMailboxFigures = {
    messages: 0, rawBytes: 0, threads: 0, newsletters: 0, withAttachments: 0, attachments: 0,
    attachmentBytes: 0, largestAttachmentBytes: 0, languages: {}, oldest: '', newest: '',
  };
  let oldest = Infinity;
  let newest = -Infinity;

  const write = async (mail: ConstructorParameters<typeof MailComposer>[0], date: number, language: Language) => {
    const n = figures.messages;
    const node = new MailComposer({ ...mail, date: new Date(date) }).compile();
    node.baseBoundary = createHash('sha256').update(`${seed}:${n}`).digest('hex').slice(0, 16);
    const raw = await node.build();
    writeFileSync(join(cur, `${Math.floor(date / 1000)}.M${n}.synthetic:2,S`), raw);
    figures.messages += 1;
    figures.rawBytes += raw.length;
    figures.languages[language] = (figures.languages[language] ?? 0) + 1;
    oldest = Math.min(oldest, date);
    newest = Math.max(newest, date);
  };

  const attachmentsFor = (n: number) => {
    const large = n > 0 && n % LARGE_EVERY === 0;
    if (!large && random() >= 0.08) return [];
    const count = large ? 1 : 1 + Math.floor(random() * random() * 3);
    return Array.from({ length: count }, () => {
      // Log-normal sizes, median 60 KB (mean about 140 KB), from 2 KB to 10 MB.
      const size = large ? MAX_ATTACHMENT_BYTES : Math.round(Math.min(MAX_ATTACHMENT_BYTES, Math.max(2048, 60_000 * Math.exp(1.3 * normal(random)))));
      const text = random() < 0.2;
      const kind = text ? pick(TEXT_TYPES) : pick(BINARY_TYPES);
      const content = text ? textContent(size, random) : bytes(size);
      figures.attachments += 1;
      figures.attachmentBytes += size;
      figures.largestAttachmentBytes = Math.max(figures.largestAttachmentBytes, size);
      return { filename: `${pick(kind.names)}.${kind.ext}`, contentType: kind.type, content };
    });
  };

  while (figures.messages < options.messages) {
    figures.threads += 1;
    let when = END - Math.floor(random() * SPAN_MS);
    if (random() < 0.3) {
      const sender = pick(NEWSLETTERS);
      const language: Language = 'en';
      await write({
        from: sender,
        to: REP,
        subject: `${sender.subject} (${new Date(when).toISOString().slice(0, 10)})`,
        messageId: `<nl${figures.messages}.${seed}@${sender.address.split('@')[1]}>`,
        html: newsletterHtml(sender.name, random, pick),
        text: `${sender.subject}\n\nView this email in your browser: https://${sender.address.split('@')[1]}/view\n`,
        headers: { 'List-Unsubscribe': `<https://${sender.address.split('@')[1]}/unsubscribe>` },
      }, when, language);
      figures.newsletters += 1;
      continue;
    }
    const language = pickLanguage();
    const words = LANGUAGES[language];
    const customer = contact();
    const subject = pick(words.subjects);
    // Thread lengths: half are single messages, a few run to a dozen.
    const length = Math.min(12, 1 + Math.floor(-Math.log(1 - random()) * 1.6));
    const ids: string[] = [];
    const repStarts = random() < 0.5;
    let quoted = '';
    for (let m = 0; m < length && figures.messages < options.messages && when <= END; m++) {
      const fromRep = (m % 2 === 0) === repStarts;
      const [from, to] = fromRep ? [REP, customer] : [customer, REP];
      const body = `${words.greeting} ${to.name.split(' ')[0]},\n\n${pick(words.lines)} ${pick(words.lines)}\n\n${words.closing},\n${from.name}\n${fromRep ? 'Account Executive, Mailbridge Bench' : customer.company}\n`;
      const text = quoted ? `${body}\n${quoted}` : body;
      const messageId = `<t${figures.threads}.m${m}.${seed}@${from.address.split('@')[1]}>`;
      const attachments = attachmentsFor(figures.messages);
      if (attachments.length) figures.withAttachments += 1;
      await write({
        from,
        to,
        ...(random() < 0.2 ? { cc: contact() } : {}),
        subject: m === 0 ? subject : `Re: ${subject}`,
        messageId,
        ...(ids.length ? { inReplyTo: ids.at(-1)!, references: [...ids] } : {}),
        text,
        ...(random() < 0.7 ? { html: `<div dir="ltr">${escapeHtml(body).replaceAll('\n', '<br>')}</div>${quoted ? `<blockquote>${escapeHtml(quoted).replaceAll('\n', '<br>')}</blockquote>` : ''}` } : {}),
        attachments,
      }, when, language);
      ids.push(messageId);
      // Replies quote what came before (capped, as clients trim long histories).
      quoted = `On ${new Date(when).toUTCString()}, ${from.name} wrote:\n` + text.split('\n').map((line) => `> ${line}`).join('\n').slice(0, 6_000);
      when += Math.floor((0.2 + random() * 72) * 3_600_000);
    }
  }
  figures.oldest = new Date(oldest).toISOString();
  figures.newest = new Date(newest).toISOString();
  return figures;
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Pseudo-random bytes from the seed (AES-128-CTR over zeros): fast, and incompressible like real PDFs and images. */
function deterministicBytes(seed: number): (size: number) => Buffer {
  const key = createHash('sha256').update(`synthetic-mailbox:${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return (size) => cipher.update(Buffer.alloc(size));
}

/** CSV-like rows up to `size` bytes: text attachments compress as real spreadsheets do. */
function textContent(size: number, random: () => number): string {
  const rows: string[] = ['date,account,seats,amount,stage'];
  let length = rows[0]!.length;
  while (length < size) {
    const row = `2026-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')},customer${Math.floor(random() * 600)},${Math.floor(random() * 500)},${(random() * 100_000).toFixed(2)},${['prospect', 'proposal', 'negotiation', 'won', 'lost'][Math.floor(random() * 5)]}`;
    rows.push(row);
    length += row.length + 1;
  }
  return rows.join('\n').slice(0, size);
}

/** A marketing newsletter as senders build them: nested tables, inline styles, remote images, a tracking pixel. */
function newsletterHtml(sender: string, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const stories = Array.from({ length: 4 + Math.floor(random() * 8) }, (_, i) => `
    <tr><td style="padding:16px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#333333;">
      <img src="https://cdn.newsletter.example/story-${i}-${Math.floor(random() * 1e6)}.jpg" width="552" height="240" alt="" style="display:block;border:0;">
      <h2 style="margin:12px 0 4px;font-size:20px;color:#111111;">${pick(LANGUAGES.en.subjects)}</h2>
      <p style="margin:0;">${pick(LANGUAGES.en.lines)} ${pick(LANGUAGES.en.lines)} ${pick(LANGUAGES.en.lines)}</p>
      <a href="https://click.newsletter.example/?u=${Math.floor(random() * 1e9)}" style="color:#0a66c2;text-decoration:none;font-weight:bold;">Read more &rarr;</a>
    </td></tr>`).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>@media only screen and (max-width:600px){.container{width:100%!important}}</style></head>
<body style="margin:0;padding:0;background:#f4f4f4;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">
<table class="container" role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="background:#ffffff;">
<tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:24px;font-weight:bold;">${escapeHtml(sender)}</td></tr>${stories}
<tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#888888;">You are receiving this because you subscribed. <a href="https://newsletter.example/unsubscribe">Unsubscribe</a></td></tr>
</table></td></tr></table><img src="https://track.newsletter.example/open/${Math.floor(random() * 1e12)}.gif" width="1" height="1" alt=""></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
