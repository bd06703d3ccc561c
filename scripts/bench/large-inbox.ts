// A synthetic inbox of any size for UI benchmarks: one account with N single-message
// threads written straight through the message repository (no MIME parsing), spread over
// a year, a few unread or with attachments, deterministic from a seed.
import type { ProfileStore } from '../../src-main/store/profile-store.ts';
import type { MessageToSave } from '../../src-main/store/message-repository.ts';
import { messageToSave } from '../../src-main/mail/thread-key.ts';
import { seededRandom } from '../seeded-random.ts';

const WORDS = 'renewal pricing pilot contract invoice security review proposal onboarding quarter seats discount roadmap'.split(' ');
const PEOPLE = ['Ana Trujillo', 'Thomas Hardy', 'Diego Roel', 'Hanna Moos', 'Pedro Afonso', 'Ann Devon', 'Francisco Chang'];

/** Adds `threads` threads to a new 'import' account in `store`; resolves to the account id. */
export function fillLargeInbox(store: ProfileStore, options: { threads: number; seed?: number; batch?: number }): number {
  const random = seededRandom(options.seed ?? 100_000);
  const account = store.accounts.create({ provider: 'import', email: 'bench@mailbridge.test' });
  const end = Date.UTC(2026, 10, 1);
  const batchSize = options.batch ?? 2_000;
  for (let start = 0; start < options.threads; start += batchSize) {
    const batch: MessageToSave[] = [];
    for (let i = start; i < Math.min(options.threads, start + batchSize); i++) {
      const person = PEOPLE[i % PEOPLE.length]!;
      const address = `${person.toLowerCase().replace(/[^a-z]+/g, '.')}${i % 500}@customer${i % 97}.example`;
      const subject = `${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]} #${i}`;
      const text = `Hello Riley, about the ${subject}: ${WORDS.join(' ')}.`;
      const date = end - Math.floor(random() * 365 * 86_400_000);
      batch.push(messageToSave(
        {
          providerMessageId: `bench-${i}`,
          providerThreadId: `bench-thread-${i}`,
          labels: random() < 0.1 ? ['INBOX', 'UNREAD'] : ['INBOX'],
          internalDate: date,
          raw: new TextEncoder().encode(`From: ${address}\r\nSubject: ${subject}\r\n\r\n${text}\r\n`),
        },
        {
          messageId: `bench-${i}@customer.example`,
          inReplyTo: null,
          references: [],
          subject,
          from: { name: person, address },
          to: [{ name: 'Riley Chen', address: 'riley.chen@mailbridge-demo.test' }],
          cc: [],
          bcc: [],
          replyTo: [],
          date,
          text,
          html: null,
          snippet: text.slice(0, 200),
          attachments: [],
          warnings: [],
        },
      ));
    }
    store.messages.saveMessages(account.id, batch);
  }
  return account.id;
}
