/**
 * The primary's edge in a replay: the effects of its COLO thread and multifd send threads performed on
 * real sockets with real pages of a real GuestRam (colo.c:colo_do_checkpoint_transaction,
 * ram.c:ram_save_complete, multifd.c:multifd_send_thread).
 * @packageDocumentation
 */
import type { Effect, NodeInput } from '../machines/index.js';
import { type GuestRam, Prng } from '../runtime/guest/index.js';
import { connectLink, type Link, type NodeRuntime } from '../runtime/node/index.js';
import {
  encodeFrames,
  encodeMessage,
  encodeMultifdPacket,
  encodeVmstate,
  StreamDecoder,
} from '../runtime/wire/index.js';
import { Endpoint, shutdownScope } from './endpoint.js';
import type { Findings } from './findings.js';
import { batchFrames, gather } from './pages.js';

/** Pages the guest writes between two checkpoints (a small, deterministic workload). */
const DIRTY_PER_INTERVAL = 48;

/** The primary's guest, channels and checkpoint bookkeeping. @public */
export class PrimaryEdge {
  /** The PVM's RAM, the NodeRuntime's own: a third of its pages random at start, the rest zero. */
  readonly guest: GuestRam;
  /** to_dst_file, and the return path read on the same socket (held as COLO message inputs). */
  main: Endpoint<NodeInput> | null = null;
  /** The multifd channels (written only). */
  multifd: Endpoint<never>[] = [];
  /** The full-RAM digest of each checkpoint's image by checkpoint number (0: the end of precopy). */
  readonly digests = new Map<number, string>();
  /** Set by the `connect` effect; the bring-up awaits it. */
  connecting: Promise<Link> | null = null;
  private readonly rng = new Prng(0x10c5);
  private pages: number[] = [];
  private blob: Uint8Array = new Uint8Array(0);
  private packetNum = 0;

  constructor(
    private readonly node: NodeRuntime,
    private readonly findings: Findings,
  ) {
    this.guest = node.guest;
    for (let i = 0; i < this.guest.pageCount; i += 3) this.rng.fill(this.guest.page(i)); // two thirds stay zero
    node.onEffect((effect) => this.perform(effect));
  }

  /** Takes over the connected sockets: the return path is decoded into COLO messages. */
  attach(link: Link): void {
    const rp = new StreamDecoder({ ramPages: this.guest.pageCount });
    this.main = new Endpoint<NodeInput>('main', link.main, (chunk) =>
      rp
        .push(chunk)
        .drain()
        .flatMap((f) => (f.kind === 'message' ? [{ kind: 'peer', message: f.message }] : [])),
    );
    this.multifd = link.multifd.map((socket, i) => new Endpoint<never>(`multifd-${i}`, socket, () => []));
  }

  /** The guest ran for a checkpoint interval: it wrote some pages (they are dirty for the next checkpoint). */
  guestRuns(): void {
    for (let i = 0; i < DIRTY_PER_INTERVAL; i++) {
      const page = this.rng.nextInt(this.guest.pageCount);
      this.rng.fill(this.guest.page(page));
      this.guest.markDirty(page);
    }
  }

  private perform(effect: Effect): void {
    switch (effect.kind) {
      case 'connect':
        this.connecting = connectLink(effect.uri, this.node.state.config.multifd ?? 0);
        return;
      case 'send': // vmstate-size travels with its blob (send-device-state)
        if (effect.message !== 'vmstate-size') this.main?.write([encodeMessage(effect.message)]);
        return;
      case 'save-device-state': {
        // qemu_savevm_live_state with the VM stopped: the dirty log is synced here
        this.blob = this.node.device.serialise();
        this.pages = [...this.guest.dirty];
        this.guest.dirty.clearAll();
        this.digests.set(this.node.state.checkpoints + 1, this.guest.digest());
        return;
      }
      case 'send-ram':
        this.sendRam();
        return;
      case 'send-device-state':
        this.main?.write(encodeVmstate(Buffer.from(this.blob)));
        return;
      case 'multifd-write': // multifd.c:multifd_send_thread: one job (every dirty page) or a SYNC packet
        this.multifd[effect.channel]?.write(this.packet(effect.channel, effect.packet === 'sync'));
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

  /** ram.c:ram_save_complete: the pages (unless multifd carried them), digests, MULTIFD_FLUSH, QEMU_VM_EOF. */
  private sendRam(): void {
    const checkpoint = this.node.state.checkpoints + 1;
    const multifd = (this.node.state.config.multifd ?? 0) > 0;
    const frames = encodeFrames([
      { kind: 'header', checkpoint },
      ...(multifd || this.pages.length === 0 ? [] : batchFrames(this.guest, this.pages)),
      { kind: 'digest', subject: 'ram', sha256: Buffer.from(this.digests.get(checkpoint) ?? '', 'hex') },
      ...(multifd ? [{ kind: 'flush' } as const] : []),
      { kind: 'eof' },
    ]);
    const sent = this.main?.write(frames) === true;
    const bytes = frames.reduce((n, c) => n + c.byteLength, 0);
    this.node.input(
      { kind: 'io', completion: sent ? 'ram-sent' : 'channel-error' },
      sent ? { pages: this.pages.length, bytes, digest: this.digests.get(checkpoint) ?? '' } : undefined,
    );
  }

  private packet(channel: number, sync: boolean): Buffer[] {
    const { indexes: normal, data } = gather(this.guest, sync ? [] : this.pages);
    return encodeMultifdPacket({
      channel,
      packetNum: this.packetNum++,
      sync,
      normal,
      zero: new Uint32Array(0),
      data,
    });
  }
}
