// ESLint rule `mailbridge/layering`: the main process is built in layers (in the manner of
// VS Code's code-layering rule), and a module may import only from its own folder and the
// layers its folder is allowed to depend on:
//
//   platform → store → auth → mail, crm, settings → accounts → ipc → app, headless, cli
//
// The contract (src-preload/contract) is shared by every layer. The store may import the
// types of the data it persists from mail/types.ts and crm/types.ts, and nothing else above it.
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Folder of src-main → the folders it may import from (besides itself). */
export const LAYERS = {
  platform: [],
  store: ['platform'],
  auth: ['platform'],
  mail: ['platform', 'store', 'auth'],
  crm: ['platform', 'store'],
  settings: ['platform', 'store'],
  accounts: ['platform', 'store', 'auth', 'mail', 'crm', 'settings'],
  ipc: ['platform', 'store', 'auth', 'mail', 'crm', 'settings', 'accounts'],
  windows: ['platform'],
  headless: ['platform', 'ipc'],
  app: ['platform', 'store', 'auth', 'mail', 'crm', 'settings', 'accounts', 'ipc', 'windows', 'headless'],
  cli: ['platform', 'store', 'auth', 'mail', 'crm', 'settings', 'accounts', 'ipc', 'app'],
  // src-main/index.ts, the Electron entry.
  entry: ['platform', 'app'],
};

/** Type-only imports allowed against the layering: the data model the store persists. */
const TYPE_EXCEPTIONS = { store: ['src-main/mail/types.ts', 'src-main/crm/types.ts'] };

/** The layer of a repo-relative path in src-main, or null outside it. */
function layerOf(path) {
  const parts = path.split('/');
  if (parts[0] !== 'src-main') return null;
  return parts.length === 2 ? 'entry' : parts[1];
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

export const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'src-main modules import only from the layers below their own' },
    schema: [],
    messages: {
      layer: "src-main/{{from}} may not import {{target}}: its layers are {{allowed}} (scripts/lint/layering.js)",
      preload: 'src-main may import only the contract from src-preload (and headless/ the page bridge), not {{target}}',
    },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    const from = layerOf(file);
    if (!from || !(from in LAYERS)) return {};
    const check = (node, source) => {
      if (typeof source?.value !== 'string' || !source.value.startsWith('.')) return;
      const target = relative(ROOT, resolve(dirname(context.filename), source.value)).split(sep).join('/');
      if (target.startsWith('src-preload/')) {
        const allowed = target.startsWith('src-preload/contract/') || (from === 'headless' && target === 'src-preload/headless-bridge.ts');
        if (!allowed) context.report({ node, messageId: 'preload', data: { target } });
        return;
      }
      const to = layerOf(target);
      if (!to || to === from || LAYERS[from].includes(to)) return;
      if (isTypeOnly(node) && (TYPE_EXCEPTIONS[from] ?? []).includes(target)) return;
      context.report({ node, messageId: 'layer', data: { from, target, allowed: LAYERS[from].join(', ') || 'none (it is the bottom layer)' } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { layering } };
