import type { Socket } from 'node:net';
import { LockstepError } from '../errors.js';
import type { NodeRuntime } from './node-runtime.js';
import { REUSED_READ_EVENT } from './reused-read.js';

/** Default time the main channel may stay silent in COLO before the peer is reported unreachable (ms). @public */
export const PEER_TIMEOUT_MS = 5_000;

/**
 * Watches the migration main channel for a dead or partitioned peer: TCP keepalive on, and a read
 * timeout. In COLO the channel is never quiet for long (a checkpoint each x-checkpoint-delay, its
 * replies back), so silence past the timeout means the peer cannot be reached: the node reports it
 * ({@link NodeRuntime.peerSilent}: status, log line, QMP event) and keeps waiting, as QEMU's COLO does;
 * failing over stays the operator's decision (x-colo-lost-heartbeat, docs/runtime.md's watchdog).
 * The timeout is at least twice the checkpoint delay, so a slow period is not a partition.
 * @internal
 */
export function watchPeer(node: NodeRuntime, socket: Socket): void {
  const timeoutMs = Math.max(node.options.peerTimeoutMs ?? PEER_TIMEOUT_MS, 2 * node.checkpointDelayMs);
  socket.setKeepAlive(true, Math.max(1_000, Math.floor(timeoutMs / 2)));
  socket.setTimeout(timeoutMs);
  let heard = 0;
  const spoke = () => {
    heard++;
    node.peerSilent(null);
  };
  socket.on('timeout', () => {
    // A timer runs before the I/O of the same turn of the event loop: after the process was held up
    // (a loaded machine), bytes that arrived in time may still wait in the socket. The report waits one
    // turn, so they are read first and count as the peer speaking, not as silence then speech.
    const before = heard;
    setImmediate(() => {
      // before COLO the channel may rest (pause-before-switchover waits for the operator)
      if (heard !== before || node.state.colo === null || node.killed) return;
      node.peerSilent(
        new LockstepError('peer-silent', {
          message: 'migration main',
          limit: timeoutMs,
          state: String(node.state.colo.value),
        }),
      );
    });
  });
  socket.on('data', spoke);
  socket.on(REUSED_READ_EVENT, spoke);
}
