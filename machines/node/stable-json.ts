/**
 * JSON with object keys in sorted order, so two equal values always give the same text whatever order
 * their properties were built in. Node keys are made of it (they name a node state across threads), and
 * the node's transition memo interns machine snapshots by it.
 * @public
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const fields: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field === undefined || typeof field === 'function') continue;
    fields.push(`${JSON.stringify(key)}:${stableJson(field)}`);
  }
  return `{${fields.join(',')}}`;
}
