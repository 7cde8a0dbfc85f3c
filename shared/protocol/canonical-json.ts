/**
 * The canonical form recording manifests, server receipts and audit records are signed or hashed
 * in: JSON with every object's keys sorted (by UTF-16 code units, as Array.prototype.sort does),
 * no whitespace, undefined members left out. The same content always gives the same bytes,
 * however the file was indented or its keys ordered.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // No prototype: a "__proto__" member stays a member instead of becoming the prototype.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}
