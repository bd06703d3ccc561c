// SOQL text for the Salesforce connector: quoted literals and IN lists split so each
// statement stays inside the org's statement length limit (100,000 characters by default).
// Sources: developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm,
//          …/salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm.

/** Default maximum length of one SOQL statement, characters. */
export const MAX_SOQL_CHARS = 100_000;

/** A SOQL string literal: quotes, backslashes and control characters escaped. */
export function soqlString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

/** Splits `values` into groups whose IN lists fit every one of `heads` (with `tail`) inside maxChars. */
export function inListGroups(heads: readonly string[], values: readonly string[], tail: string, maxChars = MAX_SOQL_CHARS): string[][] {
  const longest = heads.reduce((a, b) => (a.length >= b.length ? a : b), '');
  const groups: string[][] = [];
  const fixed = longest.length + tail.length + 2;
  let group: string[] = [];
  let length = fixed;
  for (const value of values) {
    const literal = soqlString(value).length;
    if (fixed + literal > maxChars) throw new Error(`a SOQL literal of ${literal} characters cannot fit a ${maxChars}-character statement`);
    const extra = literal + (group.length ? 1 : 0);
    if (group.length && length + extra > maxChars) {
      groups.push(group);
      group = [];
      length = fixed;
    }
    length += group.length ? literal + 1 : literal;
    group.push(value);
  }
  if (group.length) groups.push(group);
  return groups;
}

/** `(${v1},${v2})` for a group from inListGroups. */
export function inList(values: readonly string[]): string {
  return `(${values.map(soqlString).join(',')})`;
}
