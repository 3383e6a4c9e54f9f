import { runBfs } from './bfs.js';
import { runDfs } from './dfs.js';
import { type CheckOptions, defaultOptions, type WorkerSource } from './options.js';
import { runParallelBfs } from './parallel-bfs.js';
import { runSimulation, type SimulationOptions } from './simulation.js';
import type { Model, Progress, Report } from './types.js';

/**
 * A checker being configured, in stateright's builder shape:
 * `checker(model).targetMaxDepth(20).symmetry().spawnBfs()`.
 */
export class CheckerBuilder<S, A> {
  private readonly options: CheckOptions = defaultOptions();

  /** Wraps the model; nothing runs until a `spawn*` call. */
  constructor(private readonly model: Model<S, A>) {}

  /** Do not generate states deeper than `depth` (the run is then incomplete if it was cut). */
  targetMaxDepth(depth: number): this {
    this.options.maxDepth = depth;
    return this;
  }

  /** Stop after `count` distinct states; also presizes the visited set. */
  targetStateCount(count: number): this {
    this.options.maxStates = count;
    return this;
  }

  /** Fingerprint `model.representative(s)`; states in one symmetry class count once. */
  symmetry(): this {
    if (!this.model.representative) throw new Error('symmetry(): the model has no representative()');
    this.options.symmetry = true;
    return this;
  }

  /**
   * Run BFS on `count` worker threads. Each worker builds its own model with
   * `(await import(source.module))[source.export](source.options)`, since functions cannot cross threads.
   */
  workers(count: number, source?: WorkerSource): this {
    if (count > 1 && !source)
      throw new Error('workers(): more than one worker needs {module, export, options}');
    this.options.workers = count;
    this.options.workerSource = source ?? null;
    return this;
  }

  /** Stop after `ms` milliseconds of wall time. */
  timeout(ms: number): this {
    this.options.timeoutMs = ms;
    return this;
  }

  /** Called at most every 500 ms with states, depth, queue and states per second. */
  onProgress(callback: (p: Progress) => void): this {
    this.options.onProgress = callback;
    return this;
  }

  /** Turn the deadlock check off (states without successors are then fine). */
  noDeadlock(): this {
    this.options.deadlock = false;
    return this;
  }

  /** Breadth-first: shortest counterexamples. Synchronous on one worker. */
  spawnBfs(): Report<S, A> {
    if (this.options.workers > 1) throw new Error('spawnBfs(): with workers use spawnParallelBfs()');
    return runBfs(this.model, { ...this.options });
  }

  /** Breadth-first on the configured worker threads; one worker runs on this thread. */
  async spawnParallelBfs(): Promise<Report<S, A>> {
    if (this.options.workers <= 1) return runBfs(this.model, { ...this.options });
    return runParallelBfs(this.model, { ...this.options });
  }

  /** Depth-first: less memory (no parent links), traces not shortest. */
  spawnDfs(): Report<S, A> {
    return runDfs(this.model, { ...this.options });
  }

  /** Seeded random walks; the same seed reproduces the same report. */
  spawnSimulation(seed: number, sim: SimulationOptions = {}): Report<S, A> {
    return runSimulation(this.model, { ...this.options }, seed, sim);
  }
}

/** Starts configuring a check of `model`. */
export function checker<S, A>(model: Model<S, A>): CheckerBuilder<S, A> {
  return new CheckerBuilder(model);
}
