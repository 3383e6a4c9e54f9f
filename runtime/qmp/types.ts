/**
 * The types of the QMP server: the backend it drives, what it replies and emits, its options.
 * @packageDocumentation
 */

/** A QMP error object, as qapi/qmp-dispatch.c:qmp_error_response builds it. @public */
export interface QmpErrorBody {
  /** QAPI error class: `GenericError`, `CommandNotFound`, … */
  readonly class: string;
  /** Human-readable description. */
  readonly desc: string;
}

/** One reply, before the server adds the request's `id`. @public */
export type QmpReply = { readonly return: unknown } | { readonly error: QmpErrorBody };

/** An event as the backend raises it; the server adds the timestamp. @public */
export interface QmpEvent {
  /** QAPI event name: MIGRATION, MIGRATION_PASS, STOP, RESUME, COLO_EXIT, … */
  readonly event: string;
  /** The event's data member, omitted when the event has none. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What the server drives: commands in, replies and events out. @public */
export interface QmpBackend {
  /** Runs one command; resolves with QEMU's reply shape. May resolve late (a wedged main loop); must never throw. */
  execute(
    command: string,
    args: Readonly<Record<string, unknown>> | undefined,
    options: { readonly oob: boolean },
  ): Promise<QmpReply>;
  /** Subscribes to events; returns an unsubscribe. */
  onEvent(listener: (event: QmpEvent) => void): () => void;
}

/** QEMU's VersionTriple (qapi/control.json). @public */
export interface QmpVersionTriple {
  /** Major version. */
  readonly major: number;
  /** Minor version. */
  readonly minor: number;
  /** Micro version. */
  readonly micro: number;
}

/** Where to listen: a unix socket path, or TCP (host defaults to 127.0.0.1). @public */
export type QmpListen = { readonly path: string } | { readonly host?: string; readonly port: number };

/** Options of {@link serveQmp}. @public */
export interface QmpServerOptions {
  /** Version in the greeting (default 11.0.0). */
  readonly version?: QmpVersionTriple;
  /** `package` in the greeting (default "lockstep"). */
  readonly package?: string;
  /**
   * Commands that may run with `exec-oob` (QAPI `allow-oob`); others get "does not support OOB".
   * Default: QEMU's set, `yank`, `migrate-pause`, `migrate-recover`, `x-oob-test`.
   */
  readonly oobCommands?: readonly string[];
  /** Largest JSON value accepted, in bytes (default 1 MiB); larger ones get an error and are skipped. */
  readonly maxInputBytes?: number;
  /**
   * Serve QMP on a TCP address other than loopback. QMP has no authentication: without this, such an
   * address is refused (`qmp-not-loopback`).
   */
  readonly allowRemote?: boolean;
  /** Microseconds since the epoch for event timestamps (default: wall clock). */
  readonly clockMicros?: () => number;
}

/** A listening server. @public */
export interface QmpServer {
  /** Where it listens; for TCP with port 0, the port it got. */
  readonly address: { readonly path: string } | { readonly host: string; readonly port: number };
  /** Stops listening, ends every connection, removes the unix socket file. */
  close(): Promise<void>;
}
