import { runBfs } from './bfs.js';
import { runDfs } from './dfs.js';
import { type CheckOptions, defaultOptions, type WorkerSource } from './options.js';
import { runParallelBfs } from './parallel-bfs.js';
import { runReducedBfs } from './reduced-bfs.js';
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

  /**
   * Partial-order reduction for safety, deadlock and sometimes-properties through the model's
   * `ample()` (see reduced-bfs.ts); liveness keeps its pass over the full graph. BFS on one thread only.
   */
  partialOrder(): this {
    if (!this.model.ample) throw new Error('partialOrder(): the model has no ample()');
    this.options.partialOrder = true;
    return this;
  }

  /**
   * Keep the first `count` states of each BFS level as objects and pack the rest into typed arrays
   * (when the model can store states as words; 0 packs every level). The default is 65,536.
   */
  frontierObjects(count: number): this {
    if (!Number.isInteger(count) || count < 0) throw new Error('frontierObjects(): a count >= 0');
    this.options.frontierObjects = count;
    return this;
  }

  /** Breadth-first: shortest counterexamples (with `partialOrder()`: shortest in the reduced graph). */
  spawnBfs(): Report<S, A> {
    if (this.options.workers > 1) throw new Error('spawnBfs(): with workers use spawnParallelBfs()');
    const ample = this.model.ample;
    if (this.options.partialOrder && ample)
      return runReducedBfs(this.model, { ...this.options }, ample.bind(this.model));
    return runBfs(this.model, { ...this.options });
  }

  /** Breadth-first on the configured worker threads; one worker runs on this thread. */
  async spawnParallelBfs(): Promise<Report<S, A>> {
    if (this.options.workers <= 1) return this.spawnBfs();
    this.onlyBfs('spawnParallelBfs');
    return runParallelBfs(this.model, { ...this.options });
  }

  /** Depth-first: less memory (no parent links), traces not shortest. */
  spawnDfs(): Report<S, A> {
    this.onlyBfs('spawnDfs');
    return runDfs(this.model, { ...this.options });
  }

  /** Seeded random walks; the same seed reproduces the same report. */
  spawnSimulation(seed: number, sim: SimulationOptions = {}): Report<S, A> {
    this.onlyBfs('spawnSimulation');
    return runSimulation(this.model, { ...this.options }, seed, sim);
  }

  private onlyBfs(mode: string): void {
    if (this.options.partialOrder)
      throw new Error(`${mode}(): partial-order reduction runs only with spawnBfs() on one thread`);
  }
}

/** Starts configuring a check of `model`. */
export function checker<S, A>(model: Model<S, A>): CheckerBuilder<S, A> {
  return new CheckerBuilder(model);
}
