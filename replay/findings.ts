/**
 * What the runtime itself showed while replaying, recorded where it happened (the step number and the
 * side), never copied from the model: an access to a released colo cache, a shutdown of a closed
 * return-path file, a checkpoint image that does not match the primary's.
 * @packageDocumentation
 */
import type { NodeRole } from '../machines/index.js';

/** The runtime outcomes a replay can show. @public */
export type RuntimeOutcome =
  | 'hang'
  | 'released-cache-access'
  | 'closed-file-access'
  | 'digest-mismatch'
  | 'split-brain'
  | 'none';

/** One thing the runtime showed. @public */
export interface RuntimeFinding {
  /** What the runtime showed. */
  readonly outcome: Exclude<RuntimeOutcome, 'none'>;
  /** The process it showed on. */
  readonly side: NodeRole;
  /** The trace step (1-based) during which it happened; 0 is the bring-up, steps+1 the end check. */
  readonly step: number;
  /** What happened, naming the QEMU code it stands for. */
  readonly detail: string;
}

/** The findings of one replay, in the order they happened. @public */
export class Findings {
  /** The step being replayed (set by the driver). */
  step = 0;
  readonly list: RuntimeFinding[] = [];

  /** Records a finding at the current step. */
  add(outcome: RuntimeFinding['outcome'], side: NodeRole, detail: string): void {
    this.list.push({ outcome, side, step: this.step, detail });
  }

  /** colo.c: a qemu_file_shutdown of rp_state.from_dst_file after qemu_fclose (freed). */
  closedFile(locked: boolean): void {
    this.add(
      'closed-file-access',
      'primary',
      `the return path (rp_state.from_dst_file) was shut down after qemu_fclose freed it${locked ? ' (under qemu_file_lock)' : ''}`,
    );
  }
}
