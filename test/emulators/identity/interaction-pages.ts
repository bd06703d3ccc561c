// The identity emulator's sign-in and consent pages: plain HTML forms a test clicks
// through in a real browser, as a person would on accounts.google.com. Built on
// oidc-provider's interaction API (interactionDetails / interactionFinished).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';

export interface TestUser {
  /** Stable subject identifier (Google uses a numeric string). */
  sub: string;
  email: string;
  password: string;
  name: string;
}

const SCOPE_LABELS: Record<string, string> = {
  openid: 'Associate you with your personal info',
  email: 'See your primary email address',
  profile: 'See your personal info, including any personal info you have made publicly available',
  offline_access: 'Keep access while you are not using the app',
  'https://www.googleapis.com/auth/gmail.readonly': 'View your email messages and settings',
  'https://www.googleapis.com/auth/gmail.modify': 'Read, compose and send emails, and change their labels',
  'https://www.googleapis.com/auth/gmail.send': 'Send email on your behalf',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.75rem 0}
input{display:block;width:100%;padding:.4rem}button{margin:.75rem .5rem 0 0;padding:.5rem 1.2rem}
.error{color:#b00020}</style></head><body>${body}</body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

function loginPage(uid: string, clientName: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to ${escapeHtml(clientName)}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email <input type="email" name="email" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`,
  );
}

function consentPage(uid: string, clientName: string, email: string, scopes: string[]): string {
  const items = scopes.map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_LABELS[s] ?? s)}</li>`);
  return page(
    'Allow access',
    `<h1>${escapeHtml(clientName)} wants to access your Google Account</h1><p>${escapeHtml(email)}</p>
<ul>${items.join('')}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

async function readForm(req: IncomingMessage, limitBytes = 16_384): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limitBytes) throw new Error('form body too large');
  }
  return new URLSearchParams(body);
}

export interface InteractionDeps {
  provider: Provider;
  users: readonly TestUser[];
  clientName: (clientId: string) => string;
}

/**
 * Serves GET /interaction/:uid and POST /interaction/:uid/{login,confirm,abort}.
 * Cancel ends the request with error=access_denied (RFC 6749 §4.1.2.1).
 */
export async function handleInteraction(deps: InteractionDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { provider, users } = deps;
  const [, , uid = '', action] = new URL(req.url ?? '/', 'https://emulator.invalid').pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Error', '<p>Unknown interaction</p>'));
  const clientId = String(details.params.client_id ?? '');
  const clientName = deps.clientName(clientId);

  if (req.method === 'GET' && action === undefined) {
    if (details.prompt.name === 'login') return send(res, 200, loginPage(uid, clientName));
    const account = users.find((u) => u.sub === details.session?.accountId);
    const scopes = String(details.params.scope ?? '').split(' ').filter(Boolean);
    return send(res, 200, consentPage(uid, clientName, account?.email ?? '', scopes));
  }
  if (req.method !== 'POST') return send(res, 405, page('Error', '<p>Method not allowed</p>'));

  if (action === 'login') {
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim().toLowerCase();
    const user = users.find((u) => u.email === email && u.password === form.get('password'));
    if (!user) return send(res, 200, loginPage(uid, clientName, 'Wrong email or password'));
    return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const accountId = details.session?.accountId;
    if (!accountId) return send(res, 400, page('Error', '<p>Not signed in</p>'));
    const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user denied access' },
      { mergeWithLastSubmission: false },
    );
  }
  send(res, 404, page('Error', '<p>Not found</p>'));
}
