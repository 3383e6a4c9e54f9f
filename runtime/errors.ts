/**
 * Every error the runtime raises, in one table: a code, and a message built from the details that name
 * what was wrong (which message, which byte offset, which state) and, where there is one, how to fix it.
 * @packageDocumentation
 */

/** Details an error may carry; each message uses the ones it needs. @public */
export interface ErrorDetails {
  /** The COLO message or frame kind being read or written. */
  readonly message?: string;
  /** Byte offset in the stream (or file) where the problem starts. */
  readonly offset?: number;
  /** The machine state the node was in. */
  readonly state?: string;
  /** What was expected. */
  readonly expected?: string | number;
  /** What arrived instead. */
  readonly actual?: string | number;
  /** A limit that was exceeded. */
  readonly limit?: number;
  /** A file path. */
  readonly path?: string;
  /** A line number (1-based). */
  readonly line?: number;
}

const at = (d: ErrorDetails) => (d.offset === undefined ? '' : ` at byte ${d.offset}`);

/** The error table. Add a row here rather than throwing a bare Error. @public */
export const ERROR_MESSAGES = {
  'truncated-frame': (d: ErrorDetails) =>
    `${d.message ?? 'frame'} is truncated${at(d)}: expected ${d.expected} bytes, the stream ended after ${d.actual}`,
  'unknown-message': (d: ErrorDetails) =>
    `unknown COLO message ${d.actual}${at(d)}: valid values are 0 (checkpoint-ready) to 6 (vmstate-loaded)`,
  'unexpected-message': (d: ErrorDetails) =>
    `unexpected COLO message ${d.actual}${at(d)} in state ${d.state}: expected ${d.expected}`,
  'unknown-frame': (d: ErrorDetails) =>
    `unknown frame kind ${d.actual}${at(d)} in ${d.message ?? 'the page stream'}`,
  'vmstate-size-too-large': (d: ErrorDetails) =>
    `vmstate-size ${d.actual}${at(d)} exceeds the limit of ${d.limit} bytes; the device blob cannot be that large`,
  'page-out-of-range': (d: ErrorDetails) =>
    `page ${d.actual}${at(d)} is past the end of guest RAM (${d.limit} pages)`,
  'bad-length': (d: ErrorDetails) =>
    `${d.message ?? 'frame'} has length ${d.actual}${at(d)}, expected ${d.expected}`,
  'digest-mismatch': (d: ErrorDetails) =>
    `${d.message ?? 'checkpoint'} digest mismatch: primary ${d.expected}, secondary ${d.actual}`,
  'bad-ram-size': (d: ErrorDetails) =>
    `guest RAM size ${d.actual} is not a positive multiple of the 4096-byte page; try 64M, 256M or 1G`,
  'log-corrupt-line': (d: ErrorDetails) =>
    `event log ${d.path} line ${d.line}${at(d)} is corrupt: ${d.actual}; only a last line without its newline may be torn`,
  'log-sequence-gap': (d: ErrorDetails) =>
    `event log ${d.path} line ${d.line}${at(d)} has sequence ${d.actual}, expected ${d.expected}`,
  /** A node log is always a new file: a run never continues or truncates another's. */
  'log-exists': (d: ErrorDetails) =>
    `event log ${d.path} already exists and is not empty; a log belongs to one run: choose a new file (or remove this one)`,
  'log-not-regular': (d: ErrorDetails) =>
    `event log path ${d.path} is not a regular file (a folder, socket, device or link); choose a file path`,
  'log-open-failed': (d: ErrorDetails) =>
    `cannot create event log ${d.path} (${d.actual}); check that its folder exists and is writable`,
  /** ENOSPC, EIO or a write that made no progress: the file keeps only whole records. */
  'log-write-failed': (d: ErrorDetails) =>
    `cannot write event log ${d.path} (${d.actual}); the node takes no new input until the log can be written: free space on its disk`,
  /** The first record of a node log must be its start line. */
  'log-not-node-log': (d: ErrorDetails) =>
    `event log ${d.path} line ${d.line ?? 1} is not a node log's start line: ${d.actual}; expected ${d.expected}`,
  /** A record after the start line that is not one of the node's inputs. */
  'log-bad-input': (d: ErrorDetails) =>
    `event log ${d.path} line ${d.line} holds no node input: ${d.actual}; expected ${d.expected}`,
  'channel-closed': (d: ErrorDetails) =>
    `${d.message ?? 'channel'} closed${at(d)} while ${d.state ?? 'in use'}`,
  'cache-released': (d: ErrorDetails) =>
    `${d.message ?? 'colo cache access'} after colo_release_ram_cache: the cache and its bitmap are freed`,
  'ram-too-large': (d: ErrorDetails) =>
    `guest RAM size ${d.actual} exceeds the limit of ${d.limit} bytes (one ArrayBuffer per guest)`,
  'bad-device-state': (d: ErrorDetails) =>
    `device state blob is not valid: ${d.actual}, expected ${d.expected}`,
  'qmp-path-not-socket': (d: ErrorDetails) =>
    `QMP socket path ${d.path} exists and is not a socket; remove it or choose another --qmp path`,
  /** Something answers on the QMP socket path: a live QEMU or lockstep monitor is not replaced. */
  'qmp-socket-in-use': (d: ErrorDetails) =>
    `QMP socket path ${d.path} is in use: a process is listening on it (a QEMU monitor?); stop it or choose another --qmp path`,
  /** QMP asked for on an address other than loopback without saying so (QMP has no authentication). */
  'qmp-not-loopback': (d: ErrorDetails) =>
    `QMP on ${d.actual} would be reachable from the network and QMP has no authentication; use 127.0.0.1 or pass --qmp-allow-remote`,
  'bad-uri': (d: ErrorDetails) =>
    `migration URI ${d.actual} is not of the form ${d.expected}; try tcp:127.0.0.1:4444`,
  /** A migration connection closed or reset before its 4-byte hello (a probe, a crash, a fuzzer). */
  'short-hello': (d: ErrorDetails) =>
    `migration connection from ${d.actual} ended after ${d.offset ?? 0} of the 4 hello bytes; refused`,
  /** A hello word that names neither the main channel nor a multifd channel of this node. */
  'unknown-channel': (d: ErrorDetails) =>
    `migration connection from ${d.message} said hello ${d.actual}: expected 0xffffffff (main channel) or a multifd channel id below ${d.limit}; refused`,
  /** A second connection for a channel that already has one, before the link is complete. */
  'duplicate-channel': (d: ErrorDetails) =>
    `migration connection from ${d.message} names channel ${d.actual}, which is already connected; refused`,
  /** migration/socket.c:socket_accept_incoming_migration: every channel is there, later connections are ignored. */
  'extra-connection': (d: ErrorDetails) =>
    `extra incoming migration connection from ${d.actual}: this migration has its channels; refused`,
  /** A connection that sent no whole hello in time (slowloris, a stuck peer). */
  'handshake-timeout': (d: ErrorDetails) =>
    `migration connection from ${d.actual} sent no whole hello within ${d.limit} ms; refused`,
  /** The migration peer has been silent past the read timeout (a partition or a dead host). */
  'peer-silent': (d: ErrorDetails) =>
    `the ${d.message ?? 'migration'} channel has been silent for ${d.limit} ms in state ${d.state}: the peer is unreachable or dead; failover is the operator's decision (x-colo-lost-heartbeat)`,
  /** A checkpoint whose digest does not match what the primary sent: not committed. */
  'checkpoint-refused': (d: ErrorDetails) =>
    `checkpoint ${d.actual} refused: its ${d.message} digest does not match the primary's (${d.expected}); the secondary keeps checkpoint ${d.limit}`,
  /**
   * Migration TLS (io/channel-tls.c, crypto/tlssession.c): the handshake on a channel failed; `message` is
   * why, in words (a certificate from another CA, expired, for another host, a peer that speaks no TLS).
   */
  'tls-refused': (d: ErrorDetails) => `TLS handshake with ${d.actual} failed: ${d.message}; refused`,
  /** crypto/tlssession.c:qcrypto_tls_session_check_credentials: the peer's name is not in tls-authz. */
  'tls-authz-denied': (d: ErrorDetails) =>
    `TLS peer ${d.actual} is not authorized by ${d.message}: its distinguished name '${d.expected}' is not the identity it allows; refused`,
  /** migration/tls.c:migration_tls_get_creds: tls-creds names no tls-creds-x509 object of the right endpoint. */
  'tls-creds-missing': (d: ErrorDetails) => `${d.message}; migration channel to or from ${d.actual} refused`,
  /** The source's connect to the destination did not finish in time (a black-holed address). */
  'connect-timeout': (d: ErrorDetails) =>
    `migration connection to ${d.actual} did not connect within ${d.limit} ms`,
  /** A counterexample file that cannot be read or is not JSON (`lockstep replay`, exit 2). */
  'trace-unreadable': (d: ErrorDetails) =>
    `cannot read counterexample trace ${d.path} (${d.actual}); write one with lockstep check`,
  /** A counterexample whose field (`steps[3].action.thread`) is not what `lockstep check` writes. */
  'trace-malformed': (d: ErrorDetails) =>
    `counterexample trace ${d.path}: ${d.message} is ${d.actual}, expected ${d.expected}`,
  /** A page index or a page run outside guest RAM, or data that is not whole pages. */
  'pages-out-of-range': (d: ErrorDetails) =>
    `${d.message ?? 'pages'} ${d.actual} out of range: guest RAM has ${d.limit} pages${d.expected === undefined ? '' : `, expected ${d.expected}`}`,
  /** A frame on the return path that is not a COLO message. */
  'unexpected-frame': (d: ErrorDetails) =>
    `unexpected ${d.actual} frame on ${d.message ?? 'the return path'}: expected ${d.expected}`,
  /** A multifd channel that the link does not have. */
  'no-such-channel': (d: ErrorDetails) =>
    `no multifd channel ${d.actual}: the link has ${d.limit} (--multifd)`,
  /** The migration left precopy (cancelled, failed) while precopy still moved RAM. */
  'left-precopy': (d: ErrorDetails) => `migration left precopy: it is ${d.state}`,
  /** A multifd receive channel's packet could not be read. */
  'multifd-read': (d: ErrorDetails) => `multifd channel ${d.message}: ${d.actual}`,
  /** QEMU refused a QMP command the runtime sent on an operator's behalf. */
  /** A wait for a node's state gave up. */
  'wait-timeout': (d: ErrorDetails) => `${d.state}: timed out after ${d.limit} ms waiting for ${d.expected}`,
  /** A COLO checkpoint failed: a COLO thread left its loop (COLO_EXIT) before it completed. */
  'checkpoint-failed': (d: ErrorDetails) =>
    `checkpoint ${d.expected} failed: the ${d.state}'s COLO thread left COLO (COLO_EXIT ${d.actual}); QEMU 7.2 does the same over multifd (docs/qemu-7.2.md)`,
  /** The replay's quiet point waited too long for bytes or a close on a loopback socket. */
  'replay-stalled': (d: ErrorDetails) =>
    `replay: ${d.message} did not arrive within ${d.limit} ms (${d.state ?? 'the socket is open'})`,
  /** An embedder's option that cannot start a node (`startNode`). */
  'bad-node-option': (d: ErrorDetails) => `startNode: ${d.message} is ${d.actual}, expected ${d.expected}`,
  /** startNode's `tls.creds` (the CLI's --tls-creds): object-add tls-creds-x509 refused the folder. */
  'tls-creds-refused': (d: ErrorDetails) =>
    `TLS credentials ${d.path} (tls-creds-x509, ${d.expected} endpoint) refused: ${d.actual}`,
  /** A QMP command the embedding API issued for its caller was refused by the node. */
  'qmp-refused': (d: ErrorDetails) =>
    `${d.message} was refused${d.state === undefined ? '' : ` on the ${d.state}`}: ${d.actual}`,
  /** The secondary's migration listener could not start (port taken, address not local). */
  'migration-listen-failed': (d: ErrorDetails) =>
    `cannot listen for the migration on ${d.actual}: ${d.message}; choose another --listen address`,
} as const;

/** An error code of the table. @public */
export type ErrorCode = keyof typeof ERROR_MESSAGES;

/**
 * The one error type of the runtime: a code from the table, its details, and the rendered message.
 * @example
 * ```ts
 * try { decode(bytes) } catch (e) { if (e instanceof LockstepError && e.code === 'truncated-frame') … }
 * ```
 * @public
 */
export class LockstepError extends Error {
  override readonly name = 'LockstepError';
  constructor(
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    super(ERROR_MESSAGES[code](details));
  }
}

/** Throws the table's error for `code`. @public */
export function fail(code: ErrorCode, details: ErrorDetails = {}): never {
  throw new LockstepError(code, details);
}
