/**
 * QMP output: JSON the way qobject/qjson.c writes it (", " and ": " separators, ASCII only), one value
 * per line ending in "\r\n" (monitor/monitor.c:monitor_puts_locked turns "\n" into "\r\n").
 * @packageDocumentation
 */

// qobject/qjson.c:to_json_str escapes control characters and everything past 0x7E as \uXXXX.
const escapeString = (s: string): string =>
  JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );

/**
 * Serialises `value` as QEMU's compact JSON. `undefined` members are dropped; non-finite numbers and
 * other non-JSON values become `null`.
 * @internal
 */
export function qmpJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(qmpJson).join(', ')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${escapeString(k)}: ${qmpJson(v)}`);
    return `{${members.join(', ')}}`;
  }
  return 'null';
}

/** One line of QMP output: the JSON and "\r\n". @internal */
export const qmpLine = (value: unknown): string => `${qmpJson(value)}\r\n`;

/** A GenericError (or other class) reply. @internal */
export const qmpError = (desc: string, cls = 'GenericError') => ({ error: { class: cls, desc } });
