import type { NodeFixes, NodeRole, Profile } from '../../machines/index.js';
import type { WorkloadKind } from '../guest/index.js';
import type { ExistingLog } from '../log/index.js';

/**
 * How one runtime node is set up.
 * @public
 */
export interface RuntimeOptions {
  readonly role: NodeRole;
  readonly profile: Profile;
  /** Guest RAM size, as QEMU's -m: `256M`, `1G`. */
  readonly ram: string;
  /** Multifd channels; 0 sends pages on the main channel. */
  readonly multifd: number;
  /**
   * The secondary runs each multifd channel's receive thread in a worker thread (default false): it
   * decodes the channel and, in COLO, stores the pages into the colo cache (a SharedArrayBuffer) and
   * hashes them, while the main thread keeps the machines and the log (docs/perf/multifd-workers.md
   * has what it gains). No effect on the primary or without multifd.
   */
  readonly multifdWorkers?: boolean;
  /**
   * Fixes of the 2026 series switched off (every one is on when absent): a replayed counterexample runs
   * the machines it was found on. The log's start line names them, so the log folds back the same.
   */
  readonly fixes?: Partial<NodeFixes>;
  /**
   * Prime the machines' transition memo before the first checkpoint (default true, see warm-up.ts). A
   * replay applies a few dozen inputs, fewer than the priming itself: it turns this off.
   */
  readonly warmUp?: boolean;
  /** x-checkpoint-delay in milliseconds. */
  readonly checkpointDelayMs: number;
  /** How the guest dirties its pages while it runs. */
  readonly workload: { readonly kind: WorkloadKind; readonly pagesPerSecond: number; readonly seed: number };
  /** A digest mismatch after a checkpoint stops the node instead of being reported. */
  readonly verify: boolean;
  /** How long the main channel may be silent in COLO before the peer is reported unreachable (ms). */
  readonly peerTimeoutMs?: number;
  /** The node's event log (JSON Lines): a new file for this run. */
  readonly logPath: string;
  /** When `logPath` is taken by a non-empty file: refuse (the default), or take `name.2.ext`, `name.3.ext`… */
  readonly existingLog?: ExistingLog;
  /** Past this many bytes the log goes on in a new segment starting from the fold so far (default 64 MiB). */
  readonly logSegmentBytes?: number;
  /** Log segments kept; older ones are removed (default 8, so a node keeps at most ~512 MiB of log). */
  readonly logKeepSegments?: number;
}

/** Defaults of the demo and the CLI nodes. @public */
export const DEFAULT_RUNTIME_OPTIONS = {
  ram: '256M',
  multifd: 0,
  checkpointDelayMs: 600,
  workload: { kind: 'uniform', pagesPerSecond: 20_000, seed: 1 },
  verify: false,
} as const satisfies Partial<RuntimeOptions>;
