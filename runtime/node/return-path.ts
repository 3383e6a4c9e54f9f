import type { Socket } from 'node:net';
import type { ColoMessage } from '../../machines/index.js';
import { fail as raise } from '../errors.js';
import { StreamDecoder } from '../wire/index.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * Where the return path's reads go. A live primary hands each message to its node at once (the
 * default); a replay holds them until the trace delivers them.
 * @public
 */
export interface ReturnPathSink {
  /** A COLO message read off the return path, in order. */
  message(message: ColoMessage): void;
  /** The read failed: an undecodable stream, or the socket closed or errored. Called once. */
  broken(cause: 'undecodable' | 'closed'): void;
}

/** A live node's sink: each message and the first failure are inputs of the node as they happen. */
const feedNode = (node: NodeRuntime): ReturnPathSink => ({
  message: (message) => node.input({ kind: 'peer', message }),
  broken: () => node.input({ kind: 'io', completion: 'channel-error' }),
});

/**
 * The primary reads COLO messages from the return path (colo.c:colo_receive_message on
 * rp_state.from_dst_file); anything undecodable or a closed socket is a channel error.
 * @internal
 */
export function readReturnPath(
  node: NodeRuntime,
  socket: Socket,
  sink: ReturnPathSink = feedNode(node),
): void {
  const decoder = new StreamDecoder({ ramPages: node.guest.pageCount });
  let broken = false;
  const fail = (cause: 'undecodable' | 'closed') => {
    if (broken) return;
    broken = true;
    sink.broken(cause);
  };
  socket.on('data', (chunk: Buffer) => {
    if (broken) return;
    try {
      decoder.push(chunk);
      for (let frame = decoder.next(); frame; frame = decoder.next()) {
        if (frame.kind === 'message') sink.message(frame.message);
        else raise('unexpected-frame', { actual: frame.kind, expected: 'a COLO message' });
      }
    } catch {
      fail('undecodable');
    }
  });
  socket.on('error', () => fail('closed'));
  socket.on('close', () => fail('closed'));
}
