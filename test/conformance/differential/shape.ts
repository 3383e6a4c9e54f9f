/** Structural comparison of QMP replies and events: keys and JSON types, error class and text exactly. */

/** Members whose value is compared, not only their type: the states a script branches on. */
const EXACT = new Set(['status', 'running', 'mode', 'last-mode', 'reason', 'singlestep']);

/**
 * The shape of a JSON value: its type, an object's keys with theirs, an array's element shapes; the
 * members in EXACT keep their value (`=running`).
 */
export function shape(value: unknown, key = ''): unknown {
  if (EXACT.has(key) && (typeof value === 'string' || typeof value === 'boolean')) return `=${String(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const items = new Map(value.map((v) => [JSON.stringify(shape(v)), shape(v)]));
    return [...[...items.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s)];
  }
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k], k)]),
    );
  return typeof value;
}

/** What one exchange gave, in comparable form. */
export interface Observed {
  /** `return <shape>` or `Class: desc`, or timeout/closed. */
  readonly reply: string;
  /** Events the side sent while the command ran, with their payload shape (MIGRATION with its status). */
  readonly events: readonly string[];
}

/** One event in comparable form. */
export function eventKey(event: { event: string; data?: Record<string, unknown> }): string {
  if (event.data === undefined) return event.event;
  const status = event.event === 'MIGRATION' ? ` ${String(event.data.status)}` : '';
  return `${event.event}${status} ${JSON.stringify(shape(event.data))}`;
}
