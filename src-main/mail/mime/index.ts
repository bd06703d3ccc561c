// The MIME module's public surface: parse raw RFC 5322 bytes into the store's
// ParsedMessage shape, and derive thread keys for messages without a provider thread id.
export { parseMessage, MAX_WARNINGS } from './parse-message.ts';
export { normaliseSubject, localThreadKey } from './threading.ts';
