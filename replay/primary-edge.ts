/**
 * The primary's edge in a replay: the effects of its COLO thread and multifd send threads performed on
 * real sockets with real pages of a real GuestRam (colo.c:colo_do_checkpoint_transaction,
 * ram.c:ram_save_complete, multifd.c:multifd_send_thread), on runtime/node's production pieces as
 * attachPrimary wires them: the multifd channel threads are MultifdSendEdge over a RamSender, the main
 * channel's writes are RamSender.frames and checkpoint-ram, the return path is read by readReturnPath
 * (what it reads is held until the trace delivers it). What stays here is the replay's: connecting,
 * the guest's writes at a trigger, the takeover digests, the `file-access` finding, and the link rule that
 * a channel which takes no more writes takes nothing (docs/replay.md).
 * @packageDocumentation
 */
import type { Effect, NodeInput } from '../machines/index.js';
import { LockstepError } from '../runtime/errors.js';
import { type GuestRam, Prng } from '../runtime/guest/index.js';
import {
  checkpointRam,
  connectLink,
  type Link,
  MultifdSendEdge,
  multifdCheckpointRam,
  type NodeRuntime,
  RamSender,
  readReturnPath,
} from '../runtime/node/index.js';
import type { Frame } from '../runtime/wire/index.js';
import { Endpoint, shutdownScope } from './endpoint.js';
import type { Findings } from './findings.js';

/** Pages the guest writes between two checkpoints (a small, deterministic workload). */
const DIRTY_PER_INTERVAL = 48;

/** The primary's guest, channels and checkpoint bookkeeping. @public */
export class PrimaryEdge {
  /** The PVM's RAM, the NodeRuntime's own: a third of its pages random at start, the rest zero. */
  readonly guest: GuestRam;
  /** to_dst_file, and the return path read on the same socket (held as COLO message inputs). */
  main: Endpoint<NodeInput> | null = null;
  /** The multifd channels (written only, by the production RamSender). */
  multifd: Endpoint<never>[] = [];
  /** The production RAM stream writer on the connected link (multifd packets and SYNCs). */
  sender: RamSender | null = null;
  /** The production multifd channel threads' edge: jobs, packets and SYNCs as the machines decide them. */
  readonly channels: MultifdSendEdge;
  /** The full-RAM digest of each checkpoint's image by checkpoint number (0: the end of precopy). */
  readonly digests = new Map<number, string>();
  /** Set by the `connect` effect; the bring-up awaits it. */
  connecting: Promise<Link> | null = null;
  private readonly rng = new Prng(0x10c5);
  private blob: Uint8Array = new Uint8Array(0);
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly node: NodeRuntime,
    private readonly findings: Findings,
  ) {
    this.guest = node.guest;
    this.channels = new MultifdSendEdge(node, () => this.sender ?? undefined);
    for (let i = 0; i < this.guest.pageCount; i += 3) this.rng.fill(this.guest.page(i)); // two thirds stay zero
    node.onEffect((effect) => this.perform(effect));
  }

  /**
   * Takes over the connected sockets: the return path is read by the production readReturnPath, whose
   * messages are held on the main channel's end until the trace delivers them; the multifd channels are
   * written by the production RamSender.
   */
  attach(link: Link): void {
    const main = new Endpoint<NodeInput>('main', link.main, () => []);
    this.main = main;
    readReturnPath(this.node, link.main, {
      message: (message) => {
        if (!main.closedHere) main.held.push({ kind: 'peer', message });
      },
      // a closed socket is the end's peerGone; only an undecodable stream is an error of its own
      broken: (cause) => {
        if (cause === 'undecodable' && !main.closedHere)
          main.decodeError = new LockstepError('unexpected-frame', { expected: 'a COLO message' });
      },
    });
    this.multifd = link.multifd.map((socket, i) => new Endpoint<never>(`multifd-${i}`, socket, () => []));
    this.sender = new RamSender(link, this.guest);
  }

  /** The guest ran for a checkpoint interval: it wrote some pages (they are dirty for the next checkpoint). */
  guestRuns(): void {
    for (let i = 0; i < DIRTY_PER_INTERVAL; i++) {
      const page = this.rng.nextInt(this.guest.pageCount);
      this.rng.fill(this.guest.page(page));
      this.guest.markDirty(page);
    }
  }

  /**
   * The COLO thread's completions still under way (a checkpoint's RAM stream waits for the kernel to
   * take every byte before `ram-sent`, as checkpoint-ram does on a live node): the step's quiet point
   * waits for them.
   */
  async completions(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private perform(effect: Effect): void {
    switch (effect.kind) {
      case 'connect':
        this.connecting = connectLink(effect.uri, this.node.state.config.multifd ?? 0);
        return;
      case 'send': // vmstate-size travels with its blob (send-device-state)
        if (effect.message !== 'vmstate-size') this.write([{ kind: 'message', message: effect.message }]);
        return;
      case 'save-device-state': {
        // qemu_savevm_live_state with the VM stopped: the blob now, the dirty pages at send-ram
        this.blob = this.node.device.serialise().slice();
        this.digests.set(this.node.state.checkpoints + 1, this.guest.digest());
        return;
      }
      case 'send-ram':
        this.sendRam();
        return;
      case 'send-device-state':
        this.write([{ kind: 'vmstate', blob: Buffer.from(this.blob) }]);
        return;
      case 'bitmap-sync': // ram.c:migration_bitmap_sync: the round's dirty pages become jobs (`ram-jobs`)
        this.channels.bitmapSync();
        return;
      case 'multifd-job': // multifd.c:multifd_send: the round's next packet becomes the channel's p->data
        this.channels.job(effect.channel);
        return;
      case 'multifd-write': // multifd.c:multifd_send_thread: its p->data or a SYNC packet
        // the step is the write error when the channel no longer takes writes (World.writeFails)
        if (this.multifd[effect.channel]?.writable === true)
          this.channels.write(effect.channel, effect.packet);
        return;
      case 'shutdown-channels':
        shutdownScope(this.main, this.multifd, effect.scope);
        return;
      case 'file-access':
        if (effect.freed) this.findings.closedFile(effect.locked);
        return;
      default:
        return;
    }
  }

  /**
   * Frames on the main channel by the production RamSender; a channel that takes no more writes
   * (machines/link: shut, broken, the peer gone) takes nothing, and the COLO thread learns it at its
   * next read, as the model's link has it.
   */
  private write(frames: readonly Frame[]): void {
    if (this.main?.writable === true && this.sender) this.track(this.sender.frames(frames));
  }

  /**
   * ram.c:ram_save_complete by the production checkpoint-ram: the dirty pages (unless multifd carried
   * them), both digests, MULTIFD_FLUSH over multifd, QEMU_VM_EOF, then `ram-sent` once the kernel has
   * every byte; on a channel that takes no more writes, `channel-error` (attachPrimary's guard).
   */
  private sendRam(): void {
    const { sender, node } = this;
    if (this.main?.writable !== true || !sender) {
      node.input({ kind: 'io', completion: 'channel-error' });
      return;
    }
    const multifd = (node.state.config.multifd ?? 0) > 0;
    const work = multifd
      ? multifdCheckpointRam(node, sender, this.blob, this.channels)
      : checkpointRam(node, sender, this.blob);
    this.track(work.catch(() => node.input({ kind: 'io', completion: 'channel-error' })));
  }

  private track(work: Promise<unknown>): void {
    const done: Promise<void> = work.then(
      () => {},
      () => {},
    );
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }
}
