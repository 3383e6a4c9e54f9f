/**
 * The secondary's edge in a replay: the main channel's items handed to the COLO thread when the trace
 * says so, multifd packets held per channel, and the effects of its threads on a real GuestRam and colo cache
 * (colo.c:colo_incoming_process_checkpoint, ram.c:colo_flush_ram_cache, multifd-colo.c). The multifd
 * channels are read by the production ChannelReader (runtime/node, as RamReceiver reads them); each
 * packet it completes is held on its channel until the trace's `multifd` step.
 * @packageDocumentation
 */
import type { Effect } from '../machines/index.js';
import { LockstepError } from '../runtime/errors.js';
import { DeviceState, type GuestRam } from '../runtime/guest/index.js';
import {
  type ChannelOwner,
  ChannelReader,
  type Link,
  listenLink,
  type NodeRuntime,
} from '../runtime/node/index.js';
import { encodeMessage, type Frame } from '../runtime/wire/index.js';
import { Endpoint, shutdownScope } from './endpoint.js';
import type { Findings } from './findings.js';
import { type MainItem, mainItems } from './main-items.js';
import { ReplayCache } from './replay-cache.js';

/** A multifd packet as the production ChannelReader read it off its channel (pages copied out). @public */
export interface HeldPacket {
  /** A SYNC packet (MULTIFD_FLAG_SYNC, no pages). */
  readonly sync: boolean;
  /** Pages sent with their data, in the order of `data`. */
  readonly normal: Uint32Array;
  /** Pages sent as zero flags. */
  readonly zero: Uint32Array;
  /** `normal.length` whole pages. */
  readonly data: Buffer;
}

/** The secondary's guest, colo cache, channels and what its threads hold. @public */
export class SecondaryEdge {
  /** The SVM's RAM, the NodeRuntime's own: written by precopy, then only by the colo cache flush. */
  readonly guest: GuestRam;
  /** The NodeRuntime's colo cache, with the replay's released flag. */
  readonly cache: ReplayCache;
  /** from_src_file (and the return path written on the same socket). */
  main: Endpoint<MainItem> | null = null;
  /** The multifd channels, holding the packets their ChannelReader completed. */
  multifd: Endpoint<HeldPacket>[] = [];
  /** Set by the `listen` effect: resolves with the accepted channels. */
  linked: Promise<Link> | null = null;
  /** The listening server's port, once listening. */
  port: Promise<number> | null = null;
  /** The full-RAM digest of the image each loaded checkpoint left in guest RAM (0: precopy). */
  readonly loaded = new Map<number, string>();
  private blob: Uint8Array = new Uint8Array(0);
  private expectedRam = '';
  private readonly inHand: (HeldPacket | undefined)[] = [];

  constructor(
    private readonly node: NodeRuntime,
    private readonly findings: Findings,
    /** Flip a byte of every checkpoint page on arrival (see ReplayOptions.corruptPages). */
    private readonly corrupt = false,
  ) {
    this.guest = node.guest;
    this.cache = new ReplayCache(node.cache!); // a secondary NodeRuntime always has its colo cache
    node.onEffect((effect) => this.perform(effect));
  }

  /**
   * Takes over the accepted sockets: main-channel frames are decoded and grouped as they arrive; each
   * multifd channel is read by a production ChannelReader whose packets are held on the channel's end.
   */
  attach(link: Link): void {
    this.main = new Endpoint<MainItem>('main', link.main, mainItems(this.guest.pageCount));
    this.multifd = link.multifd.map((socket, i) => {
      const end = new Endpoint<HeldPacket>(`multifd-${i}`, socket, () => []);
      new ChannelReader(socket, i, this.guest.pageCount, heldPackets(end));
      return end;
    });
  }

  /** The COLO thread (or, in precopy, the incoming coroutine) reads one item off the main channel. */
  deliver(item: MainItem): void {
    switch (item.kind) {
      case 'message':
        this.node.input(
          item.value === undefined
            ? { kind: 'peer', message: item.message }
            : { kind: 'peer', message: item.message, value: item.value },
        );
        return;
      case 'device':
        this.blob = item.blob;
        this.node.input({ kind: 'io', completion: 'device-state-received' });
        return;
      case 'ram':
        for (const frame of item.frames) this.load(frame, 'ram load');
        this.node.input({ kind: 'io', completion: 'ram-loaded' });
        return;
      case 'precopy':
        this.precopy(item.frame);
        return;
    }
  }

  /** multifd.c:multifd_recv_thread read a packet: held until its store-pages effect (multifd-colo.c). */
  holdPacket(channel: number, packet: HeldPacket): void {
    this.inHand[channel] = packet;
  }

  /** ram.c:ram_load_precopy, before COLO: pages go to guest RAM and the cache, devices load at EOF. */
  private precopy(frame: Frame): void {
    if (frame.kind === 'vmstate') this.node.device = DeviceState.deserialise(frame.blob);
    else if (frame.kind === 'enable-colo') this.node.input({ kind: 'migration', event: 'enable-colo' });
    else if (frame.kind === 'eof') {
      this.loaded.set(0, this.guest.digest());
      this.node.input({ kind: 'migration', event: 'stream-loaded' });
    } else this.load(frame, 'precopy load');
  }

  private load(frame: Frame, by: string): void {
    if (frame.kind === 'batch') this.cache.store(by, frame.indexes, this.tamper(by, frame.data));
    else if (frame.kind === 'page') this.cache.store(by, [frame.index], this.tamper(by, frame.data));
    else if (frame.kind === 'zero') this.cache.store(by, [], new Uint8Array(0), [frame.index]);
    else if (frame.kind === 'digest' && frame.subject === 'ram')
      this.expectedRam = frame.sha256.toString('hex');
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
        if (!this.cache.released) this.cache.inner.startDirtyLog();
        return;
      case 'system-reset':
        this.node.device = DeviceState.reset();
        return;
      case 'flush-ram-cache':
        if (!this.cache.released) this.cache.inner.flush(this.guest);
        return;
      case 'load-device-state':
        this.loadDevices();
        return;
      case 'release-colo-cache':
        this.cache.release();
        return;
      case 'store-pages':
        this.storePages(effect.channel);
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

  /** colo.c: qemu_load_device_state after the flush: guest RAM must now be the primary's image. */
  private loadDevices(): void {
    this.node.device = DeviceState.deserialise(this.blob);
    const checkpoint = this.node.state.checkpoints; // counted by the transition that emitted this effect
    this.loaded.set(checkpoint, this.guest.digest());
    // the primary's checkpoint-ram sent its RamDigest (the page-hash table's SHA-256): the same over this RAM
    this.node.ramDigest.rebuild();
    const digest = this.node.ramDigest.value().toString('hex');
    if (digest !== this.expectedRam)
      this.findings.add(
        'digest-mismatch',
        'secondary',
        `checkpoint ${checkpoint} loaded RAM ${digest.slice(0, 16)}…, the primary sent ${this.expectedRam.slice(0, 16)}…`,
      );
  }

  /** A checkpoint's page data as stored: a copy with its first byte flipped when corrupting. */
  private tamper(by: string, data: Buffer): Buffer {
    if (!this.corrupt || by === 'precopy load' || data.length === 0) return data;
    const copy = Buffer.from(data);
    copy[0] = copy[0]! ^ 0xff;
    return copy;
  }

  private storePages(channel: number): void {
    const packet = this.inHand[channel];
    this.inHand[channel] = undefined;
    if (!packet) return;
    const by = `multifd channel ${channel}`;
    const stored = this.cache.store(by, packet.normal, this.tamper(by, packet.data), packet.zero);
    if (!stored)
      this.findings.add(
        'released-cache-access',
        'secondary',
        `multifd channel ${channel} (multifd_recv_thread) stored ${packet.normal.length + packet.zero.length} pages into the colo cache after colo_release_ram_cache`,
      );
  }
}

/**
 * The owner of one channel's ChannelReader in a replay: multifd.c:multifd_recv_thread's read happens as
 * the bytes come (the holding queue is the model's link queue), and a completed packet waits there until
 * the trace's `multifd` step hands it to the thread; its pages are stored at `store-pages`.
 */
function heldPackets(end: Endpoint<HeldPacket>): ChannelOwner {
  let normal: number[] = [];
  let zero: number[] = [];
  let data: Buffer[] = [];
  return {
    reading: () => true,
    // views valid only during the call: copied out
    pages: (indexes, bytes) => {
      normal.push(...indexes);
      data.push(Buffer.from(bytes));
    },
    zero: (indexes) => {
      zero.push(...indexes);
    },
    packet: (_channel, sync) => {
      const packet = {
        sync,
        normal: Uint32Array.from(normal),
        zero: Uint32Array.from(zero),
        data: Buffer.concat(data),
      };
      normal = [];
      zero = [];
      data = [];
      if (!end.closedHere) end.held.push(packet);
    },
    // EOF is the end's peerGone; a packet the reader refused is the read error the thread will get
    end: (channel, event) => {
      if (event === 'read-error' && !end.closedHere && !end.peerGone)
        end.decodeError = new LockstepError('multifd-read', { message: String(channel), actual: event });
    },
  };
}
