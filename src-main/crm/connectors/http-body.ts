// Small pieces every CRM's HTTP layer shares: a response body read as JSON whatever it holds,
// and a request path fit for a log line.

/** `text` as JSON; null when empty or not JSON (an HTML error page from a proxy, a cut answer). */
export function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The path without its query: queries carry search terms and email addresses, which stay out of logs. */
export function pathOnly(path: string): string {
  return path.split('?')[0]!;
}
