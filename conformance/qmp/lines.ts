import { createConnection, type Socket } from 'node:net';
import { QmpProtocolError } from './errors.js';

/** Where a QMP monitor listens: `-qmp unix:PATH,server` or `-qmp tcp:HOST:PORT,server`. @public */
export type QmpTarget = { readonly path: string } | { readonly host: string; readonly port: number };

/** Describes a target for messages. @internal */
export const describeTarget = (target: QmpTarget): string =>
  'path' in target ? target.path : `${target.host}:${target.port}`;

/**
 * Opens the socket and resolves once it is connected; a refused or missing socket rejects with a
 * QmpProtocolError naming the target, within `timeoutMs` at most.
 * @internal
 */
export function openSocket(target: QmpTarget, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? createConnection({ path: target.path }) : createConnection(target);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new QmpProtocolError(`${describeTarget(target)}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new QmpProtocolError(`${describeTarget(target)}: ${error.message}`));
    });
  });
}

/**
 * Splits a byte stream into lines. QEMU ends each JSON object with "\r\n"
 * (monitor/monitor.c:monitor_puts_locked turns "\n" into "\r\n"); the "\r" is not part of the object.
 * @internal
 */
export class LineSplitter {
  private buffer = '';

  /** Feeds a chunk; returns the complete lines it finished, without terminators, empty ones dropped. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop() ?? '';
    return parts.map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
  }
}
