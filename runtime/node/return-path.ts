import type { Socket } from 'node:net';
import { fail as raise } from '../errors.js';
import { StreamDecoder } from '../wire/index.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * The primary reads COLO messages from the return path (colo.c:colo_receive_message on
 * rp_state.from_dst_file); anything undecodable or a closed socket is a channel error.
 * @internal
 */
export function readReturnPath(node: NodeRuntime, socket: Socket): void {
  const decoder = new StreamDecoder({ ramPages: node.guest.pageCount });
  let broken = false;
  const fail = () => {
    if (broken) return;
    broken = true;
    node.input({ kind: 'io', completion: 'channel-error' });
  };
  socket.on('data', (chunk: Buffer) => {
    if (broken) return;
    try {
      decoder.push(chunk);
      for (let frame = decoder.next(); frame; frame = decoder.next()) {
        if (frame.kind === 'message') node.input({ kind: 'peer', message: frame.message });
        else raise('unexpected-frame', { actual: frame.kind, expected: 'a COLO message' });
      }
    } catch {
      fail();
    }
  });
  socket.on('error', fail);
  socket.on('close', fail);
}
