import { sha256 } from '../wire/index.js';
import { takeDirty } from './dirty.js';
import type { MultifdSendEdge } from './multifd-send-edge.js';
import type { NodeRuntime } from './node-runtime.js';
import type { RamSender } from './ram-sender.js';

/**
 * ram.c:ram_save_complete for one checkpoint on the main channel: the dirty pages, both digests, EOF.
 * The VM is stopped until every byte is in the kernel. The digest, which follows the guest's writes
 * while it runs, hashes only the pages written since its last catch-up (from guest RAM, which is what is
 * sent) before the digest frame follows them. The pages are gathered into batch buffers: sending them as
 * views of guest RAM (`views`) cost the primary more CPU inside the pause, not less (docs/perf).
 * @internal
 */
export async function checkpointRam(node: NodeRuntime, sender: RamSender, blob: Uint8Array): Promise<void> {
  // the first checkpoint takes the pages dirty now as written since their hash (the table describes the rest)
  node.ramDigest.followWrites(node.guest.dirty);
  const pages = takeDirty(node.guest.dirty);
  let bytes = await sender.frames([{ kind: 'header', checkpoint: node.state.checkpoints + 1 }]);
  bytes += await sender.pages(pages);
  await finish(node, sender, blob, pages.length, bytes);
}

/**
 * The main channel's part of a checkpoint over multifd, once the multifd-send machine's sync returned
 * (the node emits `send-ram` then): every packet and SYNC went out as its channel thread stepped. QEMU's
 * channel writes block, so multifd_send_sync_main returns with every SYNC in the kernel; here the writes
 * are queued, so the kernel must have them before MULTIFD_FLUSH and EOF follow on the main channel (a
 * primary killed now must not leave the secondary an EOF without its SYNCs).
 * @internal
 */
export async function multifdCheckpointRam(
  node: NodeRuntime,
  sender: RamSender,
  blob: Uint8Array,
  edge: MultifdSendEdge,
): Promise<void> {
  const { pages, bytes } = edge.round;
  await sender.multifdDrained();
  const main = await sender.frames([
    { kind: 'header', checkpoint: node.state.checkpoints + 1 },
    { kind: 'flush' },
  ]);
  await finish(node, sender, blob, pages, bytes + main);
}

/** Both digests and EOF, then `ram-sent` once every byte is in the kernel. */
async function finish(
  node: NodeRuntime,
  sender: RamSender,
  blob: Uint8Array,
  pages: number,
  bytes: number,
): Promise<void> {
  // the VM is stopped and the table describes guest RAM: from here on it keeps up with the guest's writes
  // while the guest runs (hashing off the pause path; QEMU hashes nothing)
  node.ramDigest.followWrites(node.guest.dirty);
  const ram = node.ramDigest.value();
  bytes += await sender.frames([
    { kind: 'digest', subject: 'ram', sha256: ram },
    { kind: 'digest', subject: 'device', sha256: sha256(blob) },
    { kind: 'eof' },
  ]);
  await sender.drained();
  node.checkpointDigests.push(ram.toString('hex'));
  node.input({ kind: 'io', completion: 'ram-sent' }, { pages, bytes, digest: ram.toString('hex') });
}
