// The demo's own sample mailbox: a sales rep's threads with customer contacts at several
// companies, generated deterministically from a seed and composed with nodemailer's
// MailComposer into a maildir, so demos need no third-party data.
import MailComposer from 'nodemailer/lib/mail-composer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './seeded-random.ts';

export const SAMPLE_REP = { name: 'Riley Chen', address: 'riley.chen@mailbridge-demo.test' };

const COMPANIES = [
  { name: 'Northwind Traders', domain: 'northwind.example', people: ['Ana Trujillo', 'Thomas Hardy', 'Maria Anders'] },
  { name: 'Contoso Pharmaceuticals', domain: 'contoso.example', people: ['Diego Roel', 'Yoshi Tannamuri'] },
  { name: 'Fabrikam Logistics', domain: 'fabrikam.example', people: ['Elizabeth Brown', 'Hanna Moos', 'Martín Sommer'] },
  { name: 'Tailspin Aerospace', domain: 'tailspin.example', people: ['Pedro Afonso', 'Ann Devon'] },
  { name: 'Wide World Importers', domain: 'wideworld.example', people: ['Frédérique Citeaux', 'Laurence Lebihan', 'Victoria Ashworth'] },
  { name: 'Adatum Security', domain: 'adatum.example', people: ['Patricio Simpson', 'Francisco Chang'] },
];

const TOPICS = [
  { subject: 'Pricing for the {company} renewal', opener: 'Following up on our call, here is the pricing for the renewal of your {seats}-seat plan.' },
  { subject: 'Demo recap and next steps', opener: 'Thanks for joining the demo today. As promised, a short recap of what we covered and the next steps.' },
  { subject: 'Security questionnaire for {company}', opener: 'Attached are our answers to the security questionnaire your team sent over.' },
  { subject: 'Q{quarter} business review', opener: 'I would like to schedule our quarterly business review. Does next week work for your team?' },
  { subject: 'Pilot results', opener: 'The pilot wrapped up on Friday; response times improved by {percent}% across the board.' },
  { subject: 'Contract redlines', opener: 'Legal came back with redlines on sections 4 and 7. Nothing that should block signature.' },
  { subject: 'Introduction: {person} from {company}', opener: 'Great to be introduced. I lead the account team for {company} and would love to learn about your priorities.' },
  { subject: 'Invoice {invoice} question', opener: 'Finance flagged a question on invoice {invoice}; can you confirm the PO number?' },
];

const REPLIES = [
  'Thanks, this looks good. Let me share it with the team and get back to you by Thursday.',
  'Could you send over a version with annual billing? Our procurement prefers it.',
  'Works for us. Please send a calendar invite for Tuesday at 10:00.',
  'We have a few more questions on data residency; can we set up a call with your security lead?',
  'Approved on our side. Please send the final paperwork.',
  'Apologies for the delay, we were heads-down on the quarter close. Picking this back up now.',
];

export interface SampleMailboxOptions {
  /** Maildir to create (cur/ and new/ are written). */
  dir: string;
  threads?: number;
  seed?: number;
  /** Date of the first thread; threads are spread over the following 90 days. */
  start?: Date;
}

/** Writes the sample mailbox; returns the number of messages written. */
export async function generateSampleMailbox(options: SampleMailboxOptions): Promise<number> {
  const random = seededRandom(options.seed ?? 20261122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const start = (options.start ?? new Date('2026-08-01T09:00:00Z')).getTime();
  mkdirSync(join(options.dir, 'cur'), { recursive: true });
  mkdirSync(join(options.dir, 'new'), { recursive: true });

  let written = 0;
  for (let t = 0; t < (options.threads ?? 300); t++) {
    const company = pick(COMPANIES);
    const person = pick(company.people);
    const contact = { name: person, address: `${person.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ /g, '.')}@${company.domain}` };
    const fill = (s: string) =>
      s.replaceAll('{company}', company.name).replaceAll('{person}', person)
        .replaceAll('{seats}', String(10 * (1 + Math.floor(random() * 50))))
        .replaceAll('{quarter}', String(1 + Math.floor(random() * 4)))
        .replaceAll('{percent}', String(5 + Math.floor(random() * 40)))
        .replaceAll('{invoice}', `INV-${10000 + Math.floor(random() * 90000)}`);
    const topic = pick(TOPICS);
    const subject = fill(topic.subject);
    let when = start + Math.floor(random() * 90 * 24) * 3600_000;
    const ids: string[] = [];
    const length = 1 + Math.floor(random() * 5);
    for (let m = 0; m < length; m++) {
      const fromRep = m % 2 === 0 ? random() < 0.7 : random() < 0.3;
      const [from, to] = fromRep ? [SAMPLE_REP, contact] : [contact, SAMPLE_REP];
      const body = m === 0 ? fill(topic.opener) : pick(REPLIES);
      const messageId = `<t${t}.m${m}.${options.seed ?? 20261122}@${fromRep ? 'mailbridge-demo.test' : company.domain}>`;
      const raw = await new MailComposer({
        from,
        to,
        subject: m === 0 ? subject : `Re: ${subject}`,
        messageId,
        date: new Date(when),
        ...(ids.length ? { inReplyTo: ids.at(-1)!, references: ids } : {}),
        text: `Hi ${to.name.split(' ')[0]},\n\n${body}\n\nBest,\n${from.name}\n${fromRep ? 'Account Executive, Mailbridge Demo' : company.name}\n`,
      }).compile().build();
      ids.push(messageId);
      const folder = m === length - 1 && !fromRep ? 'new' : 'cur';
      const flags = folder === 'cur' ? ':2,S' : '';
      writeFileSync(join(options.dir, folder, `${when}.t${t}m${m}.mailbridge-demo${flags}`), raw);
      written += 1;
      when += (1 + Math.floor(random() * 48)) * 3600_000;
    }
  }
  return written;
}
