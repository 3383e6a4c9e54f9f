/**
 * QMP messages as they travel on the wire (docs/interop/qmp-spec.rst in QEMU): one JSON object per
 * line. These types describe what QEMU sends and accepts; nothing here is lockstep's own invention.
 * @packageDocumentation
 */

/** A QMP event timestamp: wall-clock seconds and microseconds (qapi/qmp-event.c:timestamp_put). @public */
export interface QmpTimestamp {
  readonly seconds: number;
  readonly microseconds: number;
}

/** The greeting QEMU sends first (monitor/qmp.c:qmp_greeting). @public */
export interface QmpGreeting {
  readonly QMP: {
    readonly version?: unknown;
    readonly capabilities: readonly string[];
  };
}

/** A command as a client sends it: `execute` in band, `exec-oob` out of band. @public */
export interface QmpCommand {
  readonly execute?: string;
  readonly 'exec-oob'?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly id?: unknown;
}

/** A successful reply (monitor/qmp.c:qmp_send_response). @public */
export interface QmpReturn {
  readonly return: unknown;
  readonly id?: unknown;
}

/** An error reply; `class` is the QMP error class (GenericError, CommandNotFound, ...). @public */
export interface QmpErrorReply {
  readonly error: { readonly class: string; readonly desc: string };
  readonly id?: unknown;
}

/** An asynchronous event (qapi/qmp-event.c:qmp_event_build_dict). @public */
export interface QmpEvent {
  readonly event: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly timestamp?: QmpTimestamp;
}

/** One wire object, classified by the member that identifies it. @public */
export type QmpMessage =
  | { readonly kind: 'greeting'; readonly value: QmpGreeting }
  | { readonly kind: 'command'; readonly value: QmpCommand; readonly name: string; readonly oob: boolean }
  | { readonly kind: 'reply'; readonly value: QmpReturn }
  | { readonly kind: 'error'; readonly value: QmpErrorReply }
  | { readonly kind: 'event'; readonly value: QmpEvent };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Classifies a parsed JSON value as a QMP message, or returns null when it is none. The member names
 * decide, as in QEMU's own dispatcher (qapi/qmp-dispatch.c:qmp_dispatch checks `execute`/`exec-oob`).
 * @example classifyQmp({ event: 'STOP', timestamp: { seconds: 1, microseconds: 0 } })?.kind // 'event'
 * @public
 */
export function classifyQmp(value: unknown): QmpMessage | null {
  if (!isRecord(value)) return null;
  const qmp = value.QMP;
  if (isRecord(qmp) && Array.isArray(qmp.capabilities)) return { kind: 'greeting', value: value as never };
  if (typeof value.execute === 'string')
    return { kind: 'command', value: value as QmpCommand, name: value.execute, oob: false };
  if (typeof value['exec-oob'] === 'string')
    return { kind: 'command', value: value as QmpCommand, name: value['exec-oob'], oob: true };
  if ('return' in value) return { kind: 'reply', value: value as unknown as QmpReturn };
  const error = value.error;
  if (isRecord(error) && typeof error.class === 'string' && typeof error.desc === 'string')
    return { kind: 'error', value: value as unknown as QmpErrorReply };
  if (typeof value.event === 'string') return { kind: 'event', value: value as unknown as QmpEvent };
  return null;
}

/** A timestamp in microseconds, or null when the event carries none or a malformed one. @public */
export function timestampMicros(event: QmpEvent): number | null {
  const t = event.timestamp;
  if (!isRecord(t) || typeof t.seconds !== 'number' || typeof t.microseconds !== 'number') return null;
  return t.seconds * 1_000_000 + t.microseconds;
}
