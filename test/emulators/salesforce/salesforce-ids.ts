// Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix first) and
// the 18-character case-insensitive form, whose last 3 characters encode the case of the
// first 15. Source: developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/field_types.htm (ID).

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form of a 15- or 18-character id (suffix recomputed); null when not an id. */
export function to18(value: string): string | null {
  if (!/^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/.test(value)) return null;
  const base = value.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = base[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += SUFFIX_CHARS[flags];
  }
  return base + suffix;
}
