import { EventEmitter } from 'node:events';
import type { Effect, NodeConfig, NodeInput, NodeState, QmpReply } from '../../machines/index.js';
import type { LockstepError } from '../errors.js';
import { ColoCache, DeviceState, GuestRam, Workload } from '../guest/index.js';
import { EventLog, segmentOf } from '../log/index.js';
import { foldStep, initialFold, type NodeFold } from './fold-step.js';
import { leavesProcess } from './leaves-process.js';
import type { Link } from './link.js';
import { EDGE_NOTE, type LoggedInput } from './logged-input.js';
import { ArrivalScheduler, type NodeScheduler } from './node-scheduler.js';
import type { RuntimeOptions } from './options.js';
import { PauseClock } from './pause-clock.js';
import { RamDigest } from './ram-digest.js';
import type { StepGate } from './scheduler.js';
import { segmentHeader } from './segment-header.js';
import { type NodeLogStart, startLineOf } from './start-line.js';
import type { InputMeta, NodeStats } from './stats.js';
import { warmUpOnce } from './warm-up.js';

const GUEST_TICK_MS = 10;

/** How often a node whose log could not be written tries again. */
const LOG_RETRY_MS = 1000;

/**
 * A node executing the machines: every input is appended to the event log before it is applied, the
 * state is the fold of the log through `applyInput`, and effects happen at the edge and come back as
 * inputs. Threads are stepped by a deterministic scheduler (COLO thread first, then the main loop, then
 * the multifd channel threads in turn; see {@link Scheduler}), each step itself a logged input, so a log
 * replays to the same states. With multifd the node runs the multifd-send / multifd-recv machines with
 * every fix of the series on, as `createNode` builds it by default, unless `options.fixes` switches some
 * off (a replayed counterexample).
 * @public
 */
export class NodeRuntime extends EventEmitter {
  private fold: NodeFold;
  /** What the edge refused (connections, checkpoints), by error code; each one is also a `refused` log line. */
  readonly refusals: { count: number; byCode: Record<string, number>; last: string | null } = {
    count: 0,
    byCode: {},
    last: null,
  };
  /** The peer as the main channel's read timeout sees it: since when it has been silent (ms epoch), and reports made. */
  readonly peer: { silentSince: number | null; reports: number } = { silentSince: null, reports: 0 };
  /** Where each checkpoint's pause went, measured at this node's edges (not logged: timings are not inputs). */
  readonly pauseClock: PauseClock;
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
  private pumping = false;
  private nextQmpId = 0;
  private readonly waiting = new Map<string, (reply: QmpReply) => void>();
  private readonly handlers: Array<(effect: Effect, node: NodeRuntime) => void> = [];
  private readonly guestClock: NodeJS.Timeout;
  private dead = false;
  /** Effects of applied inputs that wait until the log holds those inputs (the disk was full). */
  private held: Effect[] = [];
  private logRetry: NodeJS.Timeout | undefined;

  private constructor(
    readonly options: RuntimeOptions,
    private readonly log: EventLog,
    private readonly startLine: NodeLogStart,
    private readonly scheduler: NodeScheduler,
  ) {
    super();
    const config = NodeRuntime.config(options);
    if (options.warmUp !== false) warmUpOnce(config);
    this.fold = initialFold(config);
    this.guest = GuestRam.ofSize(options.ram);
    this.ramDigest = new RamDigest(this.guest.bytes, (block) => this.guest.chunkWritten(block));
    this.pauseClock = new PauseClock(options.role, () => this.ramDigest.busyMs);
    this.cache =
      options.role === 'secondary'
        ? new ColoCache(this.guest, options.multifdWorkers === true && options.multifd > 0)
        : null;
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

  /** What the node's machines are built from: role, profile, multifd channels, the fixes (all on unless said). */
  static config(options: RuntimeOptions): NodeConfig {
    return {
      role: options.role,
      profile: options.profile,
      ...(options.multifd > 0 ? { multifd: options.multifd } : {}),
      ...(options.fixes ? { fixes: options.fixes } : {}),
    };
  }

  /**
   * Creates the node's log (a new file: an existing one is refused, or with `existingLog: 'next-free'`
   * the next free name is taken) and starts the node. The first line says what to fold from (role,
   * profile, RAM, multifd, fixes) and names the run, for {@link foldNodeLog}.
   * `scheduler` chooses the order of its inputs (default: a live process's, {@link ArrivalScheduler}).
   * @throws LockstepError `log-exists`, `log-not-regular`, `log-open-failed`.
   */
  static async start(
    options: RuntimeOptions,
    scheduler: NodeScheduler = new ArrivalScheduler(),
  ): Promise<NodeRuntime> {
    const log = await EventLog.create(options.logPath, {
      clock: () => performance.timeOrigin + performance.now(),
      existing: options.existingLog ?? 'refuse',
      ...(options.logSegmentBytes === undefined ? {} : { segmentBytes: options.logSegmentBytes }),
      ...(options.logKeepSegments === undefined ? {} : { keepSegments: options.logKeepSegments }),
    });
    const start = startLineOf(NodeRuntime.config(options), options.ram);
    log.append({ type: 'start', data: start });
    return new NodeRuntime(options, log, start, scheduler);
  }

  /** The node's state: the fold of its log so far. */
  get state(): NodeState {
    return this.fold.state;
  }

  /** The statistics folded from the log (checkpoint pauses, bytes). */
  get stats(): NodeStats {
    return this.fold.stats;
  }

  /** Status changes in order, as MIGRATION events and COLO thread states; `log replay` prints the same. */
  get timeline(): readonly string[] {
    return this.fold.timeline;
  }

  /** The log file this run writes. */
  get logPath(): string {
    return this.log.path;
  }

  /** Why the log cannot be written, while the node waits for it (no input is taken meanwhile); else null. */
  get logFailure(): LockstepError | null {
    return this.logRetry ? this.log.writeFailure : null;
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
    if (this.logRetry) {
      this.retryLog();
      // a command refused now is never logged; the peer's bytes and completions wait for the log
      for (const logged of this.logRetry ? batch : [])
        if (logged.input.kind === 'qmp') this.refuseQmp(logged.input);
      if (this.logRetry) batch = batch.filter((logged) => logged.input.kind !== 'qmp');
    }
    this.scheduler.offer(batch);
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

  /**
   * The edge refused something (a connection that is not the peer, a checkpoint whose digest does not
   * match): a `refused` line in the log (not an input: the machines never see it, a replay skips it),
   * counted in {@link NodeRuntime.refusals} and emitted as `refused`.
   */
  refuse(error: LockstepError): void {
    if (this.dead) return;
    this.log.append({ type: EDGE_NOTE.refused, data: { code: error.code, message: error.message } });
    this.refusals.count++;
    this.refusals.byCode[error.code] = (this.refusals.byCode[error.code] ?? 0) + 1;
    this.refusals.last = error.message;
    this.emit('refused', error);
  }

  /**
   * The main channel went silent past its timeout (`silent`, the table's `peer-silent` error) or spoke
   * again (`null`): a `peer-silence` log line (not an input), {@link NodeRuntime.peer} updated and `peer` emitted
   * (the QMP backend turns it into an event). Nothing else changes: failover is the operator's call.
   */
  peerSilent(silent: LockstepError | null): void {
    if (this.dead || (silent === null) === (this.peer.silentSince === null)) return;
    const limit = silent?.details.limit ?? 0;
    this.peer.silentSince = silent ? Date.now() - limit : null;
    if (silent) this.peer.reports++;
    const data = {
      silent: silent !== null,
      ...(silent ? { 'silent-ms': limit, message: silent.message } : {}),
    };
    this.log.append({ type: EDGE_NOTE.peerSilence, data });
    this.emit('peer', data);
  }

  /** Stops the node as a crash would: no more inputs, its sockets dropped, its log left as it is. */
  kill(): void {
    this.dead = true;
    clearInterval(this.guestClock);
    clearInterval(this.logRetry);
    this.pauseClock.close();
    for (const socket of this.link ? [this.link.main, ...this.link.multifd] : []) socket.destroy();
    this.emit('closing');
    this.emit('killed');
  }

  get killed(): boolean {
    return this.dead;
  }

  async close(): Promise<void> {
    clearInterval(this.guestClock);
    clearInterval(this.logRetry);
    this.pauseClock.close();
    this.emit('closing');
    await this.log.close();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // a node killed by one of its effects stops there, as a process killed mid-step would
      while (!this.dead && !this.logRetry) {
        const next = this.scheduler.next(this.state);
        if (!next) break;
        this.apply(next);
      }
    } finally {
      this.pumping = false;
    }
    // the pump is done and nothing waits in the queue: the edge may read what it held back
    if (!this.dead && !this.logRetry) this.emit('idle');
  }

  private apply(logged: LoggedInput): void {
    const clock = this.pauseClock;
    const taken = performance.now();
    const entry = this.log.append({ type: logged.input.kind, data: logged });
    clock.log(performance.now() - taken);
    clock.input(logged.input, taken);
    const before = this.state;
    // the delay in force is the fold of the log too: the timer the edge arms next uses it
    if (logged.input.kind === 'checkpoint-delay') this.checkpointDelayMs = logged.input.ms;
    const { fold, applied } = foldStep(this.fold, entry.ts, logged);
    this.fold = fold;
    // the log must not lag what the peer or a QMP client sees: hand it to the OS before effects leave
    if (applied.effects.some(leavesProcess)) {
      const flushing = performance.now();
      const written = this.log.tryFlush();
      clock.log(performance.now() - flushing);
      if (!written) {
        this.holdForLog(applied.effects);
        return;
      }
    }
    for (const effect of applied.effects) {
      if (this.dead) break;
      const from = performance.now();
      this.perform(effect);
      clock.effect(logged.input, effect, from, performance.now());
    }
    if (applied.node.checkpoints > before.checkpoints) this.checkpointDone(applied.node.checkpoints);
    // between two inputs the fold is exactly the log so far: a new segment can start from it
    if (this.log.segmentFull) this.log.roll(segmentHeader(this.startLine, this.segment + 1, this.fold));
    this.emit('applied', logged.input);
  }

  /**
   * A checkpoint is complete: its phases are recorded and the log is synced to disk, after the pause (the
   * log was handed to the OS before anything left the process, which is what a kill -9 needs).
   */
  private checkpointDone(checkpoint: number): void {
    const phases = this.pauseClock.done(checkpoint);
    const syncing = performance.now();
    void this.log.sync().then(
      () => phases && this.pauseClock.fsynced(phases, performance.now() - syncing),
      () => this.holdForLog([]),
    );
    if (phases) this.emit('checkpoint-phases', phases);
  }

  private get segment(): number {
    return segmentOf(this.log.currentPath).n;
  }

  /**
   * The log could not be written (ENOSPC, EIO): nothing that depends on the unwritten inputs leaves the
   * process, no new input is applied, QMP commands are refused with the reason, and the log is tried again
   * every second. A secondary so keeps the last checkpoint it committed; the operator frees space.
   */
  private holdForLog(effects: readonly Effect[]): void {
    this.held.push(...effects);
    if (this.logRetry) return;
    this.logRetry = setInterval(() => this.retryLog(), LOG_RETRY_MS);
    this.logRetry.unref();
    this.emit('log-failed', this.log.writeFailure);
  }

  private retryLog(): void {
    if (!this.log.tryFlush()) return;
    clearInterval(this.logRetry);
    this.logRetry = undefined;
    const held = this.held;
    this.held = [];
    for (const effect of held) if (!this.dead) this.perform(effect);
    this.emit('log-recovered');
    this.pump();
  }

  private refuseQmp(input: Extract<NodeInput, { kind: 'qmp' }>): void {
    const desc = this.log.writeFailure?.message ?? 'the event log cannot be written';
    this.perform({ kind: 'qmp-reply', id: input.id, reply: { error: { class: 'GenericError', desc } } });
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
