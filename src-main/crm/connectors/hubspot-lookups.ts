// The HubSpot names the connector resolves once and keeps: owner ids to display names and
// deal stage ids to labels. A failed read is not kept; a missing scope (403) or a gone owner
// (404) is an answer and is. Sources: developers.hubspot.com/docs/api/crm/owners (PublicOwner),
// PublicApiSpecs/CRM/Pipelines/Rollouts/145896/v3/pipelines.json in GitHub
// HubSpot/HubSpot-public-api-spec-collection (Pipeline, PipelineStage).
import { CrmAuthError, CrmError } from '../types.ts';
import type { HubSpotHttp } from './hubspot-http.ts';
import type { HubSpotPaths } from './hubspot-paths.ts';

interface Owner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

export class HubSpotLookups {
  readonly #http: HubSpotHttp;
  readonly #paths: HubSpotPaths;
  /** Owner id → display name. */
  readonly #owners = new Map<string, Promise<string>>();
  #stageLabels: Promise<Map<string, string>> | null = null;

  constructor(http: HubSpotHttp, paths: HubSpotPaths) {
    this.#http = http;
    this.#paths = paths;
  }

  /** Deal stage id → label from GET /crm/v3/pipelines/deals, read once; empty on 403 or a failed read (not kept); a refused token throws. */
  dealStageLabels(): Promise<Map<string, string>> {
    this.#stageLabels ??= this.#http
      .request<{ results?: Array<{ stages?: Array<{ id: string; label: string }> }> }>({
        method: 'GET', path: this.#paths.pipelines('deals'), idempotent: true, acceptStatuses: [403],
      })
      .then(({ status, body }) => new Map(status === 200 ? (body.results ?? []).flatMap((p) => (p.stages ?? []).map((s) => [s.id, s.label] as const)) : []))
      .catch((error: unknown) => {
        this.#stageLabels = null;
        if (!(error instanceof CrmError) || error instanceof CrmAuthError) throw error;
        return new Map<string, string>();
      });
    return this.#stageLabels;
  }

  /** GET /crm/v3/owners/{id} → "First Last", else the owner's email, else the id (403, 404, failures); once per id, failures not kept. */
  ownerName(ownerId: string): Promise<string> {
    let name = this.#owners.get(ownerId);
    if (!name) {
      // 404 (owner deactivated or gone) is an answer worth caching; 403 (no owners scope) too.
      name = this.#http
        .request<Owner>({ method: 'GET', path: this.#paths.owner(ownerId), idempotent: true, acceptStatuses: [403, 404] })
        .then(({ status, body }) => status === 200
          ? [body.firstName, body.lastName].filter(Boolean).join(' ').trim() || body.email || ownerId
          : ownerId)
        .catch((error: unknown) => {
          this.#owners.delete(ownerId);
          if (!(error instanceof CrmError)) throw error;
          return ownerId;
        });
      this.#owners.set(ownerId, name);
    }
    return name;
  }
}
