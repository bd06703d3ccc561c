// The built renderer served to Chromium by the headless renderer server: real services and
// dispatch(), events over SSE; only the transport differs from Electron IPC.
import { startRendererServer, type RendererServer } from '../../src-main/headless/renderer-server.ts';
import type { Services } from '../../src-main/app/assemble.ts';
import { RENDERER_DIR } from './build.ts';

export type RendererHarness = RendererServer;

/** `page.goto(harness.signInUrl())` signs a page in (each address works once). Build first (buildRendererOnce). */
export function startRendererHarness(services: Pick<Services, 'handlers' | 'onEvent'>, options: { port?: number } = {}): Promise<RendererHarness> {
  return startRendererServer({ rendererDir: RENDERER_DIR, handlers: services.handlers, onEvent: services.onEvent, ...options });
}
