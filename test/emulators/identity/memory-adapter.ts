// Per-emulator in-memory storage for oidc-provider. The bundled memory adapter is a
// process-wide LRU that cannot be enumerated; the emulator needs to find and revoke every
// grant of one user (revokeUser) or all of them (revokeAllGrants).
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch ms after which the entry is gone; Infinity when oidc-provider gave no lifetime. */
  expiresAt: number;
}

/** Shared by every model's adapter of one provider instance. */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>();

  get(model: string, id: string): AdapterPayload | undefined {
    const key = `${model}:${id}`;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, id: string, payload: AdapterPayload, expiresInSeconds?: number): void {
    const expiresAt = typeof expiresInSeconds === 'number' ? Date.now() + expiresInSeconds * 1000 : Infinity;
    this.#entries.set(`${model}:${id}`, { payload, expiresAt });
  }

  delete(model: string, id: string): void {
    this.#entries.delete(`${model}:${id}`);
  }

  findBy(model: string, match: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    const prefix = `${model}:`;
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(prefix) && entry.expiresAt > Date.now() && match(entry.payload)) return entry.payload;
    }
    return undefined;
  }

  /** Deletes the entries of `model` that match; returns how many. */
  deleteWhere(model: string, match: (payload: AdapterPayload) => boolean): number {
    let deleted = 0;
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(`${model}:`) && match(entry.payload)) {
        this.#entries.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** Grant ids whose Grant record belongs to `accountId` (all grants when omitted). */
  grantIds(accountId?: string): string[] {
    const ids: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (!key.startsWith('Grant:')) continue;
      if (accountId === undefined || entry.payload.accountId === accountId) ids.push(key.slice('Grant:'.length));
    }
    return ids;
  }

  /** Deletes the Grant and every token minted under it (codes, access and refresh tokens). */
  revokeGrant(grantId: string): void {
    this.#entries.delete(`Grant:${grantId}`);
    for (const [key, entry] of this.#entries) {
      if (entry.payload.grantId === grantId) this.#entries.delete(key);
    }
  }
}

/** The adapter class oidc-provider instantiates once per model name. */
export function memoryAdapterFactory(store: MemoryStore): (model: string) => Adapter {
  return (model) => ({
    async upsert(id, payload, expiresIn) {
      store.set(model, id, payload, expiresIn);
    },
    async find(id) {
      return store.get(model, id);
    },
    async findByUid(uid) {
      return store.findBy(model, (p) => p.uid === uid);
    },
    async findByUserCode(userCode) {
      return store.findBy(model, (p) => p.userCode === userCode);
    },
    async consume(id) {
      const payload = store.get(model, id);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(model, id);
    },
    async revokeByGrantId(grantId) {
      store.revokeGrant(grantId);
    },
  });
}
