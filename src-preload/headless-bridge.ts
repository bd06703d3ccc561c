// window.mailbridge for a renderer served over loopback HTTP instead of Electron IPC:
// the same MailbridgeApi shape, with requests as POST /ipc and events from one
// EventSource on /events. Served to the page as a plain script (see bridgeScript).
import type { MailbridgeApi } from './contract/index.ts';

/** Runs in the page. Self-contained: it is serialised with Function.prototype.toString. */
function installBridge(): void {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const subscribe = (event: string) => {
    source ??= new EventSource('/events');
    if (listeners.has(event)) return;
    listeners.set(event, new Set());
    source.addEventListener(event, (message) => {
      const payload: unknown = JSON.parse((message as unknown as { data: string }).data);
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  };
  const bridge: MailbridgeApi = {
    invoke: (channel, input) =>
      fetch('/ipc', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-mailbridge': '1' },
        body: JSON.stringify({ channel, input }),
      }).then((response) =>
        response.ok ? response.json() : { ok: false, error: { code: 'internal', message: `HTTP ${response.status}` } },
      ) as Promise<never>,
    on(event, listener) {
      subscribe(event);
      const set = listeners.get(event)!;
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
  Object.defineProperty(globalThis, 'mailbridge', { value: Object.freeze(bridge) });
}

/** The bridge as a script body for `<script src="/bridge.js">`. */
export const bridgeScript = `(${installBridge.toString()})();\n`;
