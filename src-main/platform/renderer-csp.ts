// The renderer's Content-Security-Policy, one definition for the Electron window and the
// headless loopback server. Remote images are allowed at this level only so a message
// frame whose sender the rep trusts can show them; each frame's own CSP blocks them otherwise.
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-src 'self' about:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
