/** Messages between run.ts (the sending side) and peer.ts (the receiving process). */
import type { WorkloadKind } from '../runtime/guest/index.js';
import type { CheckpointPhases } from '../runtime/node/index.js';

export type PeerRequest =
  | { kind: 'pump'; bytes: number; sockets: number }
  | { kind: 'ram'; pages: number; multifd: number }
  | {
      kind: 'secondary';
      ram: string;
      multifd: number;
      workload: { kind: WorkloadKind; pagesPerSecond: number; seed: number };
      /** The secondary's multifd receive threads in worker threads (`multifdWorkers`). */
      workers?: boolean;
    }
  | { kind: 'reset' }
  /** The peer's wall clock now, for the offset between the two processes' clocks. */
  | { kind: 'clock' };

export type PeerReply =
  | { kind: 'port'; port: number }
  /** The receiver has everything; `at` is its performance.now() (only used for the order of events). */
  | { kind: 'done'; at: number }
  /** `phases`: the secondary's, when a secondary ran. */
  | { kind: 'reset'; phases?: readonly CheckpointPhases[]; cpuMs?: number; wallMs?: number }
  | { kind: 'clock'; wallMs: number }
  | { kind: 'error'; message: string };
