/**
 * The ways a QMP exchange fails, as types a caller can branch on. None of them is thrown for a
 * condition the caller cannot see: each names the command it concerns.
 * @packageDocumentation
 */

/** QEMU answered with an error reply (`{"error": {"class", "desc"}}`). @public */
export class QmpError extends Error {
  override readonly name = 'QmpError';
  /**
   * @param command - the command that failed
   * @param errorClass - the QMP error class (GenericError, CommandNotFound, DeviceNotActive, ...)
   * @param desc - QEMU's human-readable description
   */
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`${command}: ${errorClass}: ${desc}`);
  }
}

/**
 * A command got no reply within its timeout. `hung` says what an out-of-band probe found: `true` when
 * OOB still answers (the monitor I/O thread runs but the main loop is stuck, e.g. the BQL held forever,
 * the TCG wedge before 11.0), `false` when OOB is silent too, `null` when no probe was possible.
 * @public
 */
export class QmpTimeoutError extends Error {
  override readonly name = 'QmpTimeoutError';
  /**
   * @param command - the command that timed out
   * @param timeoutMs - how long the client waited
   * @param hung - the probe's verdict (see the class comment)
   */
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly hung: boolean | null,
  ) {
    const what =
      hung === true ? 'QEMU is hung: out-of-band commands still answer, in-band ones do not' : 'no answer';
    super(`${command}: no reply within ${timeoutMs} ms (${what})`);
  }
}

/** The connection closed (QEMU exited, the socket was shut) while a command waited. @public */
export class QmpClosedError extends Error {
  override readonly name = 'QmpClosedError';
  /** @param command - the command that was waiting, or null for the connection itself */
  constructor(readonly command: string | null) {
    super(command ? `${command}: the QMP connection closed before a reply` : 'the QMP connection is closed');
  }
}

/** The peer did not speak QMP: no greeting, a line that is not JSON, or a refused negotiation. @public */
export class QmpProtocolError extends Error {
  override readonly name = 'QmpProtocolError';
}
