/**
 * The secondary's edge in a replay: runtime/node's production receive path, with its reads held until
 * the trace says so. The production RamReceiver reads and decodes the main channel, and a ChannelReader
 * each multifd channel, as the bytes come; its sink here holds what it decoded as the model's link items
 * (the holding queues are the model's link queues). At the trace's `deliver` an item is applied by the
 * production SecondaryLoad (colo.c:colo_incoming_process_checkpoint, ram.c:ram_load_precopy), as a live
 * secondary applies it on arrival; a multifd packet's pages are applied at its `store-pages` step
 * (multifd-colo.c), and the COLO thread's load effects (flush, device load, release) are SecondaryLoad's.
 * What stays here is wiring: listening, the holding, and the replay's findings.
 * @packageDocumentation
 */
import type { Effect, NodeThread } from '../machines/index.js';
import { LockstepError } from '../runtime/errors.js';
import type { ColoCache, GuestRam } from '../runtime/guest/index.js';
import {
  type Link,
  listenLink,
  type NodeRuntime,
  RamReceiver,
  type ReceiverSink,
  SecondaryLoad,
} from '../runtime/node/index.js';
import { encodeMessage, PAGE_SIZE } from '../runtime/wire/index.js';
import { Endpoint, shutdownScope } from './endpoint.js';
import type { Findings } from './findings.js';

/** A load of SecondaryLoad's, held with its own copy of the decoded bytes. */
type Load = () => void;

/** One read of the secondary's COLO thread on the main channel (the model's link item), held. @public */
export interface HeldItem {
  /** Applies it on the node, through the production SecondaryLoad. */
  readonly apply: Load;
}

/** A multifd packet as the production ChannelReader read it: its pages' stores, held. @public */
export interface HeldPacket {
  /** A SYNC packet (MULTIFD_FLAG_SYNC, no pages). */
  readonly sync: boolean;
  /** Pages it carries, with data or as zero flags. */
  readonly pages: number;
  /** Its pages' stores into the colo cache, in the order they were read (SecondaryLoad.sink). */
  readonly stores: readonly Load[];
}

/** The secondary's guest, channels, the production loads and what its threads hold. @public */
export class SecondaryEdge {
  /** The SVM's RAM, the NodeRuntime's own: written by precopy, then only by the colo cache flush. */
  readonly guest: GuestRam;
  /** The production loads: what a live secondary does with each page and frame it reads. */
  readonly load: SecondaryLoad;
  /** from_src_file (and the return path written on the same socket). */
  main: Endpoint<HeldItem> | null = null;
  /** The multifd channels, holding the packets their ChannelReader completed. */
  multifd: Endpoint<HeldPacket>[] = [];
  /** Set by the `listen` effect: resolves with the accepted channels. */
  linked: Promise<Link> | null = null;
  /** The listening server's port, once listening. */
  port: Promise<number> | null = null;
  private readonly cache: ColoCache;
  private readonly inHand: (HeldPacket | undefined)[] = [];

  constructor(
    private readonly node: NodeRuntime,
    private readonly findings: Findings,
    /** Flip a byte of every checkpoint page on arrival (see ReplayOptions.corruptPages). */
    private readonly corrupt = false,
  ) {
    this.guest = node.guest;
    this.cache = node.cache!; // a secondary NodeRuntime always has its colo cache
    this.load = new SecondaryLoad(node);
    node.onEffect((effect) => this.perform(effect));
  }

  /**
   * Takes over the accepted sockets: the production RamReceiver reads them all (a ChannelReader per
   * multifd channel), and what it decodes is held on each channel's end. Its receive threads always
   * read (the holding queue is the link queue); the machines, through the trace, decide everything from
   * precopy on, so its precopy barrier never holds a frame.
   */
  attach(link: Link): void {
    // the ends first: each counts the bytes its socket received before the receiver decodes them
    const main = new Endpoint<HeldItem>('main', link.main, () => []);
    this.main = main;
    this.multifd = link.multifd.map(
      (socket, i) => new Endpoint<HeldPacket>(`multifd-${i}`, socket, () => []),
    );
    const packets = this.multifd.map(() => ({ stores: [] as Load[], pages: 0 }));
    new RamReceiver(link, this.guest.pageCount, this.holding(main, packets), {
      active: () => true,
      reading: () => true,
      packet: (channel, sync) => {
        const read = packets[channel]!;
        packets[channel] = { stores: [], pages: 0 };
        const end = this.multifd[channel]!;
        if (!end.closedHere) end.held.push({ sync, ...read });
      },
      // EOF is the end's peerGone; a packet the reader refused is the read error the thread will get
      end: (channel, event) => {
        const end = this.multifd[channel]!;
        if (event === 'read-error' && !end.closedHere && !end.peerGone)
          end.decodeError = new LockstepError('multifd-read', { message: String(channel), actual: event });
      },
    });
  }

  /** The COLO thread (or, in precopy, the incoming coroutine) reads one item off the main channel. */
  deliver(item: HeldItem): void {
    item.apply();
  }

  /**
   * The step gate a live secondary's scheduler asks before each thread step (TraceScheduler runs none, so
   * the replay asks it before each of the trace's steps): SecondaryLoad.gate checks the checkpoint's
   * staged pages against the primary's RAM digest before the flush (colo.c:colo_incoming_process_checkpoint)
   * and commits them. A refusal is a live node's load error; the model knows no page contents, so the
   * replay takes the trace's step all the same, and the device load reports the mismatch.
   */
  gate(thread: NodeThread): void {
    this.load.gate(thread);
  }

  /** multifd.c:multifd_recv_thread read a packet: held until its store-pages effect (multifd-colo.c). */
  holdPacket(channel: number, packet: HeldPacket): void {
    this.inHand[channel] = packet;
  }

  /**
   * The sink RamReceiver hands each decoded page and frame to: each becomes a load of SecondaryLoad's
   * on a copy of its bytes (the receiver's views last only for the call), held as the model's link items:
   * in precopy every frame is its own item (process_incoming_migration_co loads them as they come); in
   * COLO a COLO message, the device blob's size and the blob (colo.c: colo_receive_message_value, then
   * qemu_get_buffer), and the RAM stream up to QEMU_VM_EOF (qemu_loadvm_state_main) are one read each. A
   * multifd channel's pages go with the packet being read.
   */
  private holding(main: Endpoint<HeldItem>, packets: { stores: Load[]; pages: number }[]): ReceiverSink {
    const { load, node } = this;
    let precopy = true;
    let ram: Load[] = [];
    const hold = (apply: Load) => {
      if (!main.closedHere) main.held.push({ apply });
    };
    const store = (pages: number, apply: Load, channel: number | undefined) => {
      if (channel !== undefined) {
        packets[channel]!.stores.push(apply);
        packets[channel]!.pages += pages;
      } else if (precopy) hold(apply);
      else ram.push(apply);
    };
    return {
      storeRun: (first, data, channel) => {
        const bytes = this.copy(data, channel !== undefined || !precopy);
        store(bytes.length / PAGE_SIZE, () => load.sink.storeRun(first, bytes), channel);
      },
      storePages: (indexes, data, channel) => {
        const at = indexes.slice();
        const bytes = this.copy(data, channel !== undefined || !precopy);
        store(at.length, () => load.sink.storePages(at, bytes), channel);
      },
      storeZero: (index, channel) => store(1, () => load.sink.storeZero(index), channel),
      frame: (frame) => {
        if (precopy) {
          if (frame.kind === 'eof') precopy = false;
          hold(() => load.sink.frame(frame));
        } else if (frame.kind === 'message') hold(() => load.sink.frame(frame));
        else if (frame.kind === 'vmstate') {
          hold(() => node.inputs([load.vmstateSize(frame.blob)]));
          hold(() => node.inputs(load.deviceState(frame.blob)));
        } else {
          ram.push(() => load.sink.frame(frame));
          if (frame.kind !== 'eof') return;
          const loads = ram;
          ram = [];
          hold(() => {
            for (const apply of loads) apply();
          });
        }
      },
      // a closed socket is the end's peerGone; only a stream that does not decode is an error of its own
      broken: (error) => {
        if (error instanceof LockstepError && error.code !== 'channel-closed' && !main.closedHere)
          main.decodeError = error;
      },
    };
  }

  private perform(effect: Effect): void {
    switch (effect.kind) {
      case 'listen': {
        let port: (n: number) => void = () => {};
        this.port = new Promise((resolve) => {
          port = resolve;
        });
        this.linked = new Promise((resolve, reject) => {
          listenLink(effect.uri, this.node.state.config.multifd ?? 0, resolve).then((server) => {
            const address = server.address();
            port(typeof address === 'object' && address ? address.port : 0);
            this.closeServer = () => server.close();
          }, reject);
        });
        return;
      }
      case 'send':
        if (effect.message !== 'vmstate-size') this.main?.write([encodeMessage(effect.message)]);
        return;
      case 'start-dirty-log':
      case 'flush-ram-cache':
        // the released cache takes no access (ColoCache throws cache-released); the model's property is
        // about a multifd thread's store, so these run only while the cache lives
        if (!this.cache.released) this.load.effect(effect);
        return;
      case 'system-reset':
      case 'release-colo-cache':
        this.load.effect(effect);
        return;
      case 'load-device-state':
        this.load.effect(effect);
        this.checkDigest();
        return;
      case 'store-pages':
        this.storePacket(effect.channel);
        return;
      case 'shutdown-channels':
        shutdownScope(this.main, this.multifd, effect.scope);
        return;
      default:
        return;
    }
  }

  /** Closes the listening socket (set once listening). */
  closeServer: () => void = () => {};

  /** colo.c: qemu_load_device_state after the flush: SecondaryLoad checked guest RAM against the primary's digest. */
  private checkDigest(): void {
    const verified = this.node.verified.at(-1);
    if (!verified || verified.ram) return;
    const sent = this.load.expectedDigest('ram') ?? 'none';
    this.findings.add(
      'digest-mismatch',
      'secondary',
      `checkpoint ${verified.checkpoint} loaded RAM ${verified.digest.slice(0, 16)}…, the primary sent ${sent.slice(0, 16)}…`,
    );
  }

  /** A page's bytes as held: a copy, with its first byte flipped when corrupting a checkpoint's pages. */
  private copy(data: Uint8Array, checkpoint: boolean): Buffer {
    const bytes = Buffer.from(data);
    if (this.corrupt && checkpoint && bytes.length > 0) bytes[0] = bytes[0]! ^ 0xff;
    return bytes;
  }

  /**
   * multifd-colo.c: the thread's packet goes into the colo cache, by the production store. After
   * ram.c:colo_release_ram_cache that is QEMU's use after free; ColoCache refuses it (`cache-released`)
   * and the replay records it.
   */
  private storePacket(channel: number): void {
    const packet = this.inHand[channel];
    this.inHand[channel] = undefined;
    if (!packet) return;
    try {
      for (const apply of packet.stores) apply();
    } catch (error) {
      if (!(error instanceof LockstepError && error.code === 'cache-released')) throw error;
      this.findings.add(
        'released-cache-access',
        'secondary',
        `multifd channel ${channel} (multifd_recv_thread) stored ${packet.pages} pages into the colo cache after colo_release_ram_cache`,
      );
    }
  }
}
