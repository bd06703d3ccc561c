// The base subject of RFC 5256 §2.1 as mail clients read it, for threading mail that has no
// provider thread id: reply and forward prefixes in the languages reps meet and list tags
// removed. Kept in the store, which threads by it (local-threading.ts); the MIME layer
// re-exports it.

// Reply and forward prefixes: English Re/Fw/Fwd, German AW/WG, Scandinavian SV/VS,
// Dutch Antw, Italian R/RIF, French TR; optionally numbered ("Re[2]:", "Re(3):").
const PREFIX = /^(?:re|fwd?|aw|sv|vs|wg|antw|rif|tr|odp|r)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*/i;
const LIST_TAG = /^\[[^\]]{1,60}\]\s*/;
const FWD_SUFFIX = /\s*\((?:fwd|fw)\)\s*$/i;

/**
 * A subject with every leading reply/forward prefix (Re:, Fw:, Fwd:, AW:, SV:, WG:, …)
 * and mailing-list tag ("[notmuch]") removed, repeatedly, plus a trailing "(fwd)";
 * whitespace collapsed. Case is kept: `localThreadKey` lower-cases for matching.
 * Example: "Re: [list] AW: Fwd: Budget" → "Budget".
 */
export function normaliseSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 50; i++) {
    const next = s.replace(PREFIX, '').replace(LIST_TAG, '').replace(FWD_SUFFIX, '').trim();
    if (next === s) break;
    s = next;
  }
  return s;
}
