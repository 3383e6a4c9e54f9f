/**
 * The two replayed processes, their edges and the real connections between them, with what the runtime
 * lets move now. `movable` is computed from the runtime's own state (enabled threads, the holding queues,
 * the sockets' flags) through machines/link's rules, never from the model's state: a trace step the
 * runtime cannot take is a divergence.
 * @packageDocumentation
 */
import {
  channelReads,
  channelWrites,
  enabledThreads,
  type MultifdReadEvent,
  mainReadVerdict,
  multifdReadVerdict,
  type NodeRole,
  type QmpReply,
} from '../machines/index.js';
import type { ColoAction } from '../model/index.js';
import type { NodeRuntime } from '../runtime/node/index.js';
import type { Endpoint } from './endpoint.js';
import type { Findings } from './findings.js';
import type { Connection } from './network.js';
import type { PrimaryEdge } from './primary-edge.js';
import type { SecondaryEdge } from './secondary-edge.js';

/** Two nodes of one replay and the channels between them. @public */
export class World {
  constructor(
    /** The primary process: a NodeRuntime under the replay's TraceScheduler (its machines and event log). */
    readonly primary: NodeRuntime,
    /** The secondary process, the same way. */
    readonly secondary: NodeRuntime,
    /** The primary's guest and channels. */
    readonly primaryEdge: PrimaryEdge,
    /** The secondary's guest, colo cache and channels. */
    readonly secondaryEdge: SecondaryEdge,
    /** What the runtime has shown so far. */
    readonly findings: Findings,
  ) {}

  /** The last reply to each QMP id, per side (the faults use fixed ids: `yank`, `hb`, `cancel`). */
  readonly replies: Record<NodeRole, Map<string, QmpReply>> = { primary: new Map(), secondary: new Map() };

  /** A side's node. */
  node(side: NodeRole): NodeRuntime {
    return side === 'primary' ? this.primary : this.secondary;
  }

  /** A side's main-channel end (the primary reads the return path on it). */
  mainEnd(side: NodeRole): Endpoint<unknown> | null {
    return side === 'primary' ? this.primaryEdge.main : this.secondaryEdge.main;
  }

  /** Every real connection: main channel and each multifd channel, primary end first. */
  get connections(): Connection[] {
    const { primaryEdge: p, secondaryEdge: s } = this;
    const out: Connection[] = [];
    if (p.main && s.main) out.push({ a: p.main, b: s.main });
    p.multifd.forEach((a, i) => {
      const b = s.multifd[i];
      if (b) out.push({ a, b });
    });
    return out;
  }

  /**
   * colo.c:colo_receive_message on `side`'s channel: an item to deliver, an error to report (shut here,
   * broken link, peer gone once the queue is empty), or nothing yet. Only a running COLO thread reads.
   */
  mainRead(side: NodeRole): 'deliver' | 'error' | null {
    const node = this.node(side);
    const end = this.mainEnd(side);
    if (!end) return null;
    return mainReadVerdict(
      node.killed,
      node.state.colo?.status === 'active',
      end.closedHere || end.decodeError !== null,
      end.held.length > 0,
      end.errorReported,
      end.peerGone,
    );
  }

  /** multifd.c:multifd_recv_thread blocked in its read: what the socket gives it. */
  multifdRead(channel: number): MultifdReadEvent | null {
    const end = this.secondaryEdge.multifd[channel];
    if (!end) return null;
    const head = end.held[0];
    return multifdReadVerdict(
      this.secondary.killed,
      channelReads(this.secondary.state, channel),
      end.closedHere || end.decodeError !== null,
      head ? (head.sync ? 'sync-packet' : 'packet') : null,
      end.peerGone,
    );
  }

  /** multifd.c:multifd_send_thread about to write on a channel that no longer takes writes. */
  writeFails(channel: number): boolean {
    const end = this.primaryEdge.multifd[channel];
    return !this.primary.killed && channelWrites(this.primary.state, channel) && end?.writable !== true;
  }

  /** What can move now on the runtime, in the order a deterministic scheduler takes it. */
  movable(): ColoAction[] {
    const out: ColoAction[] = [];
    for (const side of ['primary', 'secondary'] as const) {
      const node = this.node(side);
      if (node.killed) continue;
      const threads = enabledThreads(node.state);
      for (const thread of threads) out.push({ t: 'step', side, thread });
      if (side === 'primary')
        for (let i = 0; i < (node.state.config.multifd ?? 0); i++)
          if (this.writeFails(i) && !threads.includes(`multifd-${i}`))
            out.push({ t: 'step', side, thread: `multifd-${i}` });
      const read = this.mainRead(side);
      if (read === 'deliver') out.push({ t: 'deliver', to: side });
      else if (read === 'error') out.push({ t: 'channel-error', to: side });
    }
    for (let i = 0; i < (this.secondary.state.config.multifd ?? 0); i++)
      if (this.multifdRead(i)) out.push({ t: 'multifd', channel: i });
    return out;
  }
}
