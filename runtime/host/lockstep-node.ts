import type { AddressInfo } from 'node:net';
import type { Effect, NodeRole } from '../../machines/index.js';
import { createNodeBackend } from '../control/index.js';
import { failOverTo } from '../demo/lost-heartbeat.js';
import type { LockstepError } from '../errors.js';
import type { NodeRuntime } from '../node/index.js';
import type { QmpReply, QmpServer } from '../qmp/index.js';
import { type NodeEventListener, type NodeEventName, type NodeEvents, TypedEvents } from './node-events.js';

/** What a failover left: who serves now, and the image it resumed from. @public */
export interface FailoverReport {
  /** The side that took over. */
  readonly side: NodeRole;
  /** The last checkpoint it holds (the secondary: the last one it loaded; the primary: the last it completed). */
  readonly resumedFromCheckpoint: number;
  /** The full-RAM digest (hex) of that checkpoint's image as this side has it, or null before any checkpoint. */
  readonly digest: string | null;
  /** The secondary: every checkpoint it loaded matched the primary's digest (the primary: true). */
  readonly everyLoadMatched: boolean;
}

/**
 * A running node as an embedder holds it: QMP commands, typed events, failover, stop. Made by
 * {@link startNode}, its role's edge attached and its log open, so every command it is given has its
 * effects on real sockets. Events are the keys of {@link NodeEvents}.
 * @example
 * ```ts
 * const secondary = await startNode({ role: 'secondary', listen: '127.0.0.1:0', capabilities: { 'x-colo': true }, logPath });
 * secondary.on('checkpoint-loaded', ({ checkpoint, ramMatches }) => console.log(checkpoint, ramMatches));
 * ```
 * @public
 */
export class LockstepNode {
  private readonly events = new TypedEvents();
  private server: QmpServer | null = null;
  private listenAt: { host: string; port: number } | null = null;
  private stopped = false;
  /**
   * @internal The node's one QMP backend (with `quit` reported as an event, and the profile's QEMU version
   * in query-version): what {@link startNode}'s QMP server drives and what {@link LockstepNode.qmp} sends
   * to, so both see the same objects and parameters.
   */
  readonly backend: ReturnType<typeof createNodeBackend>;

  /** @internal Use {@link startNode}. */
  constructor(private readonly node: NodeRuntime) {
    this.backend = createNodeBackend(node, {
      onQuit: () => this.emit('quit', {}),
      version: node.options.profile.qemuVersion,
    });
    let checkpoints = 0;
    let loaded = 0;
    node.on('effect', (effect: Effect) => {
      if (effect.kind !== 'qmp-event') return;
      if (effect.event === 'MIGRATION') this.emit('migration', { status: String(effect.data.status) });
      if (effect.event === 'COLO_EXIT')
        this.emit('colo-exit', { mode: String(effect.data.mode), reason: String(effect.data.reason) });
    });
    // every input of a checkpoint ends here: only a new checkpoint costs more than two comparisons
    node.on('applied', () => {
      const { stats } = node;
      if (stats.checkpointsDone > checkpoints) {
        // the statistics keep the most recent checkpoints only: the new ones are at the end
        const fresh = stats.checkpoints.slice(-(stats.checkpointsDone - checkpoints));
        checkpoints = stats.checkpointsDone;
        for (const done of fresh)
          this.emit('checkpoint', { ...done, digest: node.checkpointDigests[done.checkpoint - 1] ?? '' });
      }
      for (; loaded < node.verified.length; loaded++) {
        const v = node.verified[loaded] as (typeof node.verified)[number];
        this.emit('checkpoint-loaded', { checkpoint: v.checkpoint, ramMatches: v.ram, digest: v.digest });
      }
    });
    node.on('listening', (address: AddressInfo) => {
      this.listenAt = { host: address.address, port: address.port };
      this.emit('listening', this.listenAt);
    });
    node.on('fatal', (error: Error) => this.emit('fatal', { error }));
    node.on('log-failed', (error: LockstepError) => this.emit('log-failed', { error }));
    node.on('log-recovered', () => this.emit('log-recovered', {}));
  }

  /** `primary` or `secondary`. */
  get role(): NodeRole {
    return this.node.options.role;
  }

  /** The node's event log (JSON Lines): the file this run writes. */
  get logPath(): string {
    return this.node.logPath;
  }

  /** Where its QMP server listens (null when it serves none). */
  get qmpAddress(): QmpServer['address'] | null {
    return this.server?.address ?? null;
  }

  /** The secondary's migration listener, once migrate-incoming opened it (for port 0, the port it got). */
  get migrationAddress(): { readonly host: string; readonly port: number } | null {
    return this.listenAt;
  }

  /** Checkpoints this side has completed (primary) or loaded (secondary). */
  get checkpoints(): number {
    return this.node.state.checkpoints;
  }

  /** The node was killed or stopped. */
  get stoppedOrKilled(): boolean {
    return this.stopped || this.node.killed;
  }

  /** Adds a listener for one of {@link NodeEvents}; returns the function that removes it. */
  on<K extends NodeEventName>(event: K, listener: NodeEventListener<K>): () => void {
    return this.events.on(event, listener);
  }

  /** The next `event` whose payload passes `accept` (every one by default). */
  next<K extends NodeEventName>(
    event: K,
    accept: (payload: NodeEvents[K]) => boolean = () => true,
  ): Promise<NodeEvents[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!accept(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  /** Runs a QMP command through the node (logged, then applied) and resolves with QEMU's reply. */
  qmp(command: string, args?: Readonly<Record<string, unknown>>): Promise<QmpReply> {
    // through the node's one backend, as a QMP client's command: the TLS objects and migration parameters
    // it holds (object-add, migrate-set-parameters) apply to the migrate or migrate-incoming sent here
    return this.backend.execute(command, args, { oob: false });
  }

  /**
   * Management's part of a failover on this side (the survivor): once its COLO thread saw the peer go,
   * x-colo-lost-heartbeat, then the wait until it runs as the service.
   */
  async failOver(): Promise<FailoverReport> {
    await failOverTo(this.node);
    const held = this.node.state.checkpoints;
    if (this.role === 'primary')
      return {
        side: 'primary',
        resumedFromCheckpoint: held,
        digest: this.node.checkpointDigests[held - 1] ?? null,
        everyLoadMatched: true,
      };
    const loads = this.node.verified.filter((v) => v.checkpoint <= held);
    return {
      side: 'secondary',
      resumedFromCheckpoint: held,
      digest: loads.at(-1)?.digest ?? null,
      everyLoadMatched: loads.length > 0 && loads.every((v) => v.ram),
    };
  }

  /** Crashes the node as kill -9 would: its channels drop, its log stays as it is. The QMP server stays up. */
  kill(): void {
    if (!this.node.killed) this.node.kill();
  }

  /** Stops the node: the QMP server closes, the channels drop, the log is synced and closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.server?.close();
    this.kill();
    await this.node.close();
  }

  /** @internal Set once by {@link startNode}. */
  serving(server: QmpServer): void {
    this.server = server;
  }

  private emit<K extends NodeEventName>(event: K, payload: NodeEvents[K]): void {
    this.events.emit(event, payload);
  }
}
