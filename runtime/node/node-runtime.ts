import { EventEmitter } from 'node:events';
import {
  type Applied,
  applyInput,
  createNode,
  type Effect,
  enabledThreads,
  type NodeConfig,
  type NodeInput,
  type NodeState,
  type QmpReply,
} from '../../machines/index.js';
import { ColoCache, DeviceState, GuestRam, Workload } from '../guest/index.js';
import { EventLog } from '../log/index.js';
import { leavesProcess } from './leaves-process.js';
import type { Link } from './link.js';
import type { RuntimeOptions } from './options.js';
import { RamDigest } from './ram-digest.js';
import { Scheduler, type StepGate } from './scheduler.js';
import { EMPTY_STATS, foldStats, type InputMeta, type NodeStats } from './stats.js';
import { warmUpOnce } from './warm-up.js';

const GUEST_TICK_MS = 10;

/** What one logged line of a node holds: the input, and sizes measured at the edge. @public */
export interface LoggedInput {
  readonly input: NodeInput;
  readonly meta?: InputMeta;
}

/**
 * A node executing the machines: every input is appended to the event log before it is applied, the
 * state is the fold of the log through `applyInput`, and effects happen at the edge and come back as
 * inputs. Threads are stepped by a deterministic scheduler (COLO thread first, then the main loop, then
 * the multifd channel threads in turn; see {@link Scheduler}), each step itself a logged input, so a log
 * replays to the same states. With multifd the node runs the multifd-send / multifd-recv machines with
 * every fix of the series on, as `createNode` builds it by default.
 * @public
 */
export class NodeRuntime extends EventEmitter {
  state: NodeState;
  stats: NodeStats = EMPTY_STATS;
  readonly guest: GuestRam;
  device: DeviceState = DeviceState.reset();
  readonly ramDigest: RamDigest;
  readonly cache: ColoCache | null;
  readonly workload: Workload;
  link: Link | undefined;
  /** x-checkpoint-delay in force; migrate-set-parameters changes it through {@link NodeRuntime.setCheckpointDelay}. */
  checkpointDelayMs: number;
  /** max-bandwidth in bytes per second once migrate-set-parameters set it; null paces nothing. */
  maxBandwidth: number | null = null;
  /** The primary's full-RAM digest at each checkpoint it sent, oldest first (for the failover check). */
  checkpointDigests: string[] = [];
  /** The secondary's verdict on each checkpoint it loaded. */
  readonly verified: Array<{ checkpoint: number; ram: boolean; digest: string }> = [];
  /** Status changes in order, as MIGRATION events and COLO thread states; `log replay` must print the same. */
  readonly timeline: string[] = [];
  private readonly queue: LoggedInput[] = [];
  private readonly scheduler = new Scheduler();
  private pumping = false;
  private nextQmpId = 0;
  private readonly waiting = new Map<string, (reply: QmpReply) => void>();
  private readonly handlers: Array<(effect: Effect, node: NodeRuntime) => void> = [];
  private readonly guestClock: NodeJS.Timeout;
  private dead = false;

  private constructor(
    readonly options: RuntimeOptions,
    private readonly log: EventLog,
  ) {
    super();
    const config = NodeRuntime.config(options);
    warmUpOnce(config);
    this.state = createNode(config);
    this.guest = GuestRam.ofSize(options.ram);
    this.ramDigest = new RamDigest(this.guest.bytes);
    this.cache = options.role === 'secondary' ? new ColoCache(this.guest) : null;
    this.checkpointDelayMs = options.checkpointDelayMs;
    const { kind, pagesPerSecond, seed } = options.workload;
    this.workload = new Workload(this.guest, {
      kind,
      rate: pagesPerSecond,
      seed: seed + (options.role === 'secondary' ? 1 : 0),
    });
    // the guest runs only while the VM does: it dirties pages and advances its devices
    this.guestClock = setInterval(() => {
      if (this.state.vm === 'running') this.workload.tick(GUEST_TICK_MS, this.device);
    }, GUEST_TICK_MS);
    this.guestClock.unref();
  }

  /** What the node's machines are built from: role, profile, multifd channels, the fixes (all on). */
  static config(options: RuntimeOptions): NodeConfig {
    return {
      role: options.role,
      profile: options.profile,
      ...(options.multifd > 0 ? { multifd: options.multifd } : {}),
    };
  }

  /**
   * Opens the node's log and starts it. The first line says what to fold from (role, profile, RAM,
   * multifd, fixes), for `lockstep log replay`.
   */
  static async start(options: RuntimeOptions): Promise<NodeRuntime> {
    const log = await EventLog.open(options.logPath, {
      clock: () => performance.timeOrigin + performance.now(),
    });
    const config = NodeRuntime.config(options);
    log.append({
      type: 'start',
      data: {
        role: options.role,
        profile: options.profile.name,
        ram: options.ram,
        multifd: config.multifd ?? 0,
        fixes: config.fixes ?? {},
      },
    });
    return new NodeRuntime(options, log);
  }

  /**
   * Sets the gate the scheduler asks before a thread step (the role's data path: a channel thread that
   * would write waits for its socket).
   */
  gateSteps(gate: StepGate): void {
    this.scheduler.setGate(gate);
  }

  /** I/O a gated thread waited for has finished (a socket drained or closed): run what can run now. */
  wake(): void {
    if (!this.dead) this.pump();
  }

  /** Registers an effect handler (the role's data path, the QMP server's event feed). */
  onEffect(handler: (effect: Effect, node: NodeRuntime) => void): void {
    this.handlers.push(handler);
  }

  /** Queues an input; it is logged, then applied, in arrival order. A killed node takes none. */
  input(input: NodeInput, meta?: InputMeta): void {
    this.inputs([meta ? { input, meta } : { input }]);
  }

  /** Queues inputs that arrived together (a blob and the verdict on it) before any thread runs. */
  inputs(batch: readonly LoggedInput[]): void {
    if (this.dead) return;
    this.queue.push(...batch);
    this.pump();
  }

  /** Runs a QMP command through the node and resolves with its reply (late if the main loop is blocked). */
  qmp(command: string, args?: Readonly<Record<string, unknown>>, oob = false): Promise<QmpReply> {
    const id = `lockstep-${++this.nextQmpId}`;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.input({ kind: 'qmp', command, ...(args ? { arguments: args } : {}), id, ...(oob ? { oob } : {}) });
    });
  }

  /** A durability point: every input so far is on disk. */
  sync(): Promise<void> {
    return this.log.sync();
  }

  /**
   * migrate-set-parameters x-checkpoint-delay, as a logged input: the node decides whether the change
   * checkpoints at once and re-arms the timer (only in COLO: colo.c:colo_checkpoint_delay_set).
   */
  setCheckpointDelay(ms: number): void {
    this.input({ kind: 'checkpoint-delay', ms });
  }

  /** Stops the node as a crash would: no more inputs, its sockets dropped, its log left as it is. */
  kill(): void {
    this.dead = true;
    clearInterval(this.guestClock);
    for (const socket of this.link ? [this.link.main, ...this.link.multifd] : []) socket.destroy();
    this.emit('closing');
    this.emit('killed');
  }

  get killed(): boolean {
    return this.dead;
  }

  async close(): Promise<void> {
    clearInterval(this.guestClock);
    this.emit('closing');
    await this.log.close();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // a node killed by one of its effects stops there, as a process killed mid-step would
      while (!this.dead) {
        const next = this.queue.shift();
        if (next) {
          this.apply(next);
          continue;
        }
        const input = this.scheduler.next(enabledThreads(this.state));
        if (!input) break;
        this.apply({ input });
      }
    } finally {
      this.pumping = false;
    }
    // the pump is done and nothing waits in the queue: the edge may read what it held back
    if (!this.dead) this.emit('idle');
  }

  private apply(logged: LoggedInput): void {
    const entry = this.log.append({ type: logged.input.kind, data: logged });
    const before = this.state;
    // the delay in force is the fold of the log too: the timer the edge arms next uses it
    if (logged.input.kind === 'checkpoint-delay') this.checkpointDelayMs = logged.input.ms;
    const applied: Applied = applyInput(before, logged.input);
    this.state = applied.node;
    this.stats = foldStats(this.stats, {
      ts: entry.ts,
      input: logged.input,
      ...(logged.meta ? { meta: logged.meta } : {}),
      effects: applied.effects,
      checkpointDone: applied.node.checkpoints > before.checkpoints,
    });
    recordTimeline(this.timeline, before, applied);
    // the log must not lag what the peer or a QMP client sees: hand it to the OS before effects leave
    if (applied.effects.some(leavesProcess)) this.log.flush();
    if (applied.node.checkpoints > before.checkpoints) void this.log.sync().catch(() => {});
    for (const effect of applied.effects) if (!this.dead) this.perform(effect);
    this.emit('applied', logged.input);
  }

  private perform(effect: Effect): void {
    if (effect.kind === 'qmp-reply') {
      const resolve = this.waiting.get(String(effect.id));
      this.waiting.delete(String(effect.id));
      resolve?.(effect.reply);
    }
    for (const handler of this.handlers) handler(effect, this);
    this.emit('effect', effect);
  }
}

/** Appends what changed: MIGRATION statuses and the COLO thread's state. @public */
export function recordTimeline(timeline: string[], before: NodeState, applied: Applied): void {
  for (const effect of applied.effects) {
    if (effect.kind === 'qmp-event' && effect.event === 'MIGRATION')
      timeline.push(`status ${String(effect.data.status)}`);
  }
  const was = before.colo ? String(before.colo.value) : null;
  const now = applied.node.colo ? String(applied.node.colo.value) : null;
  if (now !== was && now !== null) timeline.push(`colo ${now}`);
}
