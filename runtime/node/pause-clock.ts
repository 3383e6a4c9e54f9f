import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { Effect, NodeInput, NodeRole } from '../../machines/index.js';

/**
 * Where one checkpoint's pause went, as the node measured it at its own edges (milliseconds; marks are
 * `performance.now()` in this process, `*WallMs` the same instants on the wall clock, for comparing with
 * the peer's process). Not part of the log: timings are not inputs, a replay could not reproduce them.
 *
 * Primary (colo.c:colo_do_checkpoint_transaction): `stop` from STOP to the start of the RAM stream
 * (device state saved, VMSTATE_SEND), `ramSend` until every RAM byte (pages, digests, EOF) is in the
 * kernel, `deviceState` until VMSTATE_RECEIVED is back (the blob sent and read), `ack` until
 * VMSTATE_LOADED (the secondary's flush and device load, and the hop), `resume` until the VM runs.
 * Secondary (colo.c:colo_incoming_process_checkpoint): `ramLoad` from VMSTATE_SEND to EOF decoded,
 * `flush` (colo_flush_ram_cache), `deviceLoad` (the device blob and the RAM digest's check).
 * Both: `log` (appending and handing the log to the OS inside the pause), `hash` (page hashes and the
 * digest, {@link RamDigest.busyMs}), `gc` (V8's pauses that began inside it; `gcMajor` the mark-compacts
 * among them), `cpu` (this process's
 * user + system CPU time inside it: the work, apart from waiting for a core on a loaded machine), `total`
 * (STOP to done).
 * @public
 */
export interface CheckpointPhases {
  readonly checkpoint: number;
  readonly role: NodeRole;
  readonly phases: Readonly<Record<string, number>>;
  /** STOP and the end of the checkpoint, as `performance.now()` of this process. */
  readonly from: number;
  readonly to: number;
  /** The primary: the RAM stream's start on the wall clock. The secondary: EOF decoded (`ram-loaded`). */
  readonly ramStartWallMs?: number;
  readonly ramLoadedWallMs?: number;
  /** The log's fdatasync after this checkpoint, which runs after the pause (filled in when it is done). */
  fsyncMs?: number;
}

/** Marks of the checkpoint in progress (performance.now()). */
interface Open {
  stop: number;
  marks: Map<string, number>;
  log: number;
  hashAtStop: number;
  cpuAtStop: NodeJS.CpuUsage;
  gc: number;
  gcMajor: number;
  flush: number;
  deviceLoad: number;
}

const now = () => performance.now();
const wall = (at: number) => performance.timeOrigin + at;
/** Records kept for late GC entries and fsyncs to find their checkpoint. */
const RECENT = 8;

/**
 * The node's stopwatch for checkpoints: NodeRuntime tells it each input, each effect with its duration,
 * and the time spent on the log; it keeps a {@link CheckpointPhases} per checkpoint. @public
 */
export class PauseClock {
  /** Every checkpoint's phases, oldest first. */
  readonly checkpoints: CheckpointPhases[] = [];
  private open: Open | undefined;
  /** The last few checkpoints' spans, for GC entries that are reported after the checkpoint ended. */
  private readonly windows: Array<{ from: number; to: number; phases: Record<string, number> }> = [];
  private readonly gcObserver: PerformanceObserver;

  constructor(
    private readonly role: NodeRole,
    /** Milliseconds spent hashing so far (the node's RamDigest). */
    private readonly hashMs: () => number,
  ) {
    this.gcObserver = new PerformanceObserver((list) => this.gc(list.getEntries()));
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** An input is about to be applied (`at`: when it was taken). */
  input(input: NodeInput, at: number): void {
    if (!this.open) return;
    if (input.kind === 'peer') this.mark(`peer:${input.message}`, at);
    else if (input.kind === 'io') this.mark(input.completion, at);
  }

  /** An effect was performed from `from` to `to`; a STOP from the COLO thread opens a checkpoint. */
  effect(input: NodeInput, effect: Effect, from: number, to: number): void {
    if (effect.kind === 'qmp-event' && effect.event === 'STOP') {
      if (input.kind === 'step' && input.thread === 'colo') this.begin(from);
      return;
    }
    const open = this.open;
    if (!open) return;
    if (effect.kind === 'send-ram' || effect.kind === 'bitmap-sync') this.mark('ram-start', from);
    else if (effect.kind === 'send-device-state') this.mark('device-sent', to);
    else if (effect.kind === 'flush-ram-cache') open.flush += to - from;
    else if (effect.kind === 'load-device-state') open.deviceLoad += to - from;
  }

  /** Time spent appending to the log and handing it to the OS. */
  log(ms: number): void {
    if (this.open) this.open.log += ms;
  }

  /** The checkpoint is complete (`checkpoint` is the node's count now): its phases are recorded. */
  done(checkpoint: number): CheckpointPhases | undefined {
    const open = this.open;
    if (!open) return undefined;
    this.open = undefined;
    const end = now();
    const at = (name: string) => open.marks.get(name);
    const span = (from: number | undefined, to: number | undefined) =>
      from === undefined || to === undefined ? Number.NaN : to - from;
    const cpu = process.cpuUsage(open.cpuAtStop);
    const common = {
      cpu: (cpu.user + cpu.system) / 1000,
      log: open.log,
      hash: this.hashMs() - open.hashAtStop,
      gc: open.gc,
      gcMajor: open.gcMajor,
      total: end - open.stop,
    };
    const ramStart = at('ram-start');
    const record: CheckpointPhases =
      this.role === 'primary'
        ? {
            checkpoint,
            role: this.role,
            from: open.stop,
            to: end,
            phases: {
              stop: span(open.stop, ramStart),
              ramSend: span(ramStart, at('ram-sent')),
              deviceState: span(at('ram-sent'), at('peer:vmstate-received')),
              ack: span(at('peer:vmstate-received'), at('peer:vmstate-loaded')),
              resume: span(at('peer:vmstate-loaded'), end),
              ...common,
            },
            ...(ramStart === undefined ? {} : { ramStartWallMs: wall(ramStart) }),
          }
        : {
            checkpoint,
            role: this.role,
            from: open.stop,
            to: end,
            phases: {
              ramLoad: span(at('peer:vmstate-send'), at('ram-loaded')),
              flush: open.flush,
              deviceLoad: open.deviceLoad,
              ...common,
            },
            ...(at('ram-loaded') === undefined ? {} : { ramLoadedWallMs: wall(at('ram-loaded')!) }),
          };
    this.checkpoints.push(record);
    this.windows.push({ from: open.stop, to: end, phases: record.phases as Record<string, number> });
    if (this.windows.length > RECENT) this.windows.shift();
    return record;
  }

  /** The fdatasync after `record`'s checkpoint took `ms`. */
  fsynced(record: CheckpointPhases, ms: number): void {
    record.fsyncMs = ms;
  }

  /** Stops observing GC. */
  close(): void {
    this.gcObserver.disconnect();
  }

  private begin(at: number): void {
    this.open = {
      stop: at,
      marks: new Map(),
      log: 0,
      hashAtStop: this.hashMs(),
      cpuAtStop: process.cpuUsage(),
      gc: 0,
      gcMajor: 0,
      flush: 0,
      deviceLoad: 0,
    };
  }

  /** The first time a mark is reached in this checkpoint counts. */
  private mark(name: string, at: number): void {
    if (this.open && !this.open.marks.has(name)) this.open.marks.set(name, at);
  }

  private gc(entries: readonly PerformanceEntry[]): void {
    for (const entry of entries) {
      const major =
        (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MAJOR;
      const open = this.open;
      if (open && entry.startTime >= open.stop) {
        open.gc += entry.duration;
        if (major) open.gcMajor += entry.duration;
        continue;
      }
      // GC entries are reported after the fact: one that began inside a finished checkpoint counts there
      const window = this.windows.find((w) => entry.startTime >= w.from && entry.startTime <= w.to);
      if (!window) continue;
      window.phases.gc = (window.phases.gc ?? 0) + entry.duration;
      if (major) window.phases.gcMajor = (window.phases.gcMajor ?? 0) + entry.duration;
    }
  }
}
