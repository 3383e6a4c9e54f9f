import { channelWrites, type NodeInput, type NodeThread, threadChannel } from '../../machines/index.js';
import { MAX_BATCH_PAGES } from '../wire/index.js';
import { takeDirty } from './dirty.js';
import type { NodeRuntime } from './node-runtime.js';
import type { RamSender } from './ram-sender.js';
import { congested } from './socket-write.js';

/**
 * The primary's multifd channel threads at the edge, in a COLO checkpoint: the multifd-send machine
 * decides every job, which channel takes it, every SYNC and when the round is over; this performs what
 * it decides with real pages on the real sockets, and says when a channel's write cannot happen yet.
 * @internal
 */
export class MultifdSendEdge {
  /** The round's packets (page lists) not yet handed to a channel, in the order multifd_send takes them. */
  private jobs: number[][] = [];
  /** Each channel's p->data: the packet multifd_send handed it and its thread has not written yet. */
  private readonly bound: (number[] | undefined)[] = [];
  /** The round so far: dirty pages and bytes written on the multifd channels. */
  round = { pages: 0, bytes: 0 };

  constructor(
    private readonly node: NodeRuntime,
    private readonly sender: () => RamSender | undefined,
  ) {}

  /**
   * NodeRuntime's step gate: a channel thread about to write (multifd_send_thread's initial packet, a job
   * or a SYNC) waits while its channel is not connected or its socket is congested, as a blocking write
   * would; on a closed socket the step is the write error.
   */
  gate(thread: NodeThread): 'step' | 'wait' | NodeInput {
    const channel = threadChannel(thread);
    if (channel < 0) return 'step';
    if (!channelWrites(this.node.state, channel)) return 'step';
    const socket = this.node.link?.multifd[channel];
    if (!socket) return 'wait'; // multifd_send_setup: the channel is still connecting
    if (socket.destroyed) return { kind: 'multifd', channel, event: 'write-error' };
    return congested(socket) ? 'wait' : 'step';
  }

  /**
   * ram.c:migration_bitmap_sync at the start of the round (the VM is stopped): the dirty pages, cut into
   * packets of MAX_BATCH_PAGES as multifd_queue_page fills them; the node hears how many (`ram-jobs`).
   * A round without dirty pages still makes the one multifd_send the machines model (an empty packet).
   */
  bitmapSync(): void {
    this.forget();
    const pages = takeDirty(this.node.guest.dirty);
    this.jobs = [];
    for (let at = 0; at < pages.length; at += MAX_BATCH_PAGES)
      this.jobs.push(pages.slice(at, at + MAX_BATCH_PAGES));
    if (this.jobs.length === 0) this.jobs.push([]);
    this.round = { pages: pages.length, bytes: 0 };
    this.node.input({ kind: 'ram-jobs', jobs: this.jobs.length }, { pages: pages.length });
  }

  /** multifd.c:multifd_send: the round's next packet becomes `channel`'s p->data. */
  job(channel: number): void {
    this.bound[channel] = this.jobs.shift() ?? [];
  }

  /**
   * multifd.c:multifd_send_thread wrote its p->data (`data`) or a SYNC packet. Each packet is hashed from
   * the data as sent, right after it is handed to the socket, so the hashing overlaps its transfer.
   */
  write(channel: number, packet: 'data' | 'sync'): void {
    const sender = this.sender();
    if (!sender) return;
    if (packet === 'sync') {
      this.round.bytes += sender.syncPacket(channel);
      return;
    }
    const pages = this.bound[channel] ?? [];
    this.bound[channel] = undefined;
    const { bytes, what } = sender.packet(channel, pages);
    this.node.ramDigest.updateFrom(what.normal, what.data);
    this.node.ramDigest.update(what.zero);
    this.round.bytes += bytes;
  }

  /**
   * Pages of a round that ended before they were written (a channel failed, COLO left) are hashed from
   * guest RAM, so the digest table still describes it.
   */
  forget(): void {
    const left = [...this.jobs.flat(), ...this.bound.flatMap((pages) => pages ?? [])];
    this.jobs = [];
    this.bound.length = 0;
    if (left.length > 0) this.node.ramDigest.update(left);
  }
}
