import type { NodeRole } from '../../machines/index.js';
import { Property } from '../engine/index.js';
import { bitOf, counter, FLAG } from './packing.js';
import { type ColoState, entryOf, type FaultKind } from './state.js';

const has = (st: ColoState, flag: number, side: NodeRole) => (st.flags & bitOf(flag, side)) !== 0;

/** The side is alive and runs as the service, as machines' `servesVm` defines it. @public */
export function isService(st: ColoState, side: NodeRole): boolean {
  return !has(st, FLAG.dead, side) && entryOf(st, side).facts.servesVm;
}

/** How a property counts: a violation fails the check; a finding is reported with its trace but does not. @public */
export type PropertyClass = 'violation' | 'finding';

/** What a property may depend on of the configuration: the budgets and what the injector may fire. @public */
export interface ColoBudgets {
  readonly faultBudget: number;
  readonly checkpointBudget: number;
  /** The faults the injector may fire. */
  readonly kinds: ReadonlySet<FaultKind>;
  /** The sides yank, kill and heartbeat may hit. */
  readonly sides: readonly NodeRole[];
}

/** A named property of the composed system. @public */
export interface ColoProperty {
  readonly name: string;
  /** `sometimes`: a vacuity guard, some reachable state does it (never reached in a complete search: violated). */
  readonly kind: 'safety' | 'liveness' | 'sometimes';
  readonly counts: PropertyClass;
  readonly description: string;
  /** The property, given the budgets (liveness waits for the injector to be done). */
  readonly property: (model: ColoBudgets) => Property<ColoState>;
  /** False when the configuration cannot do it at all (a guard needing a heartbeat with none allowed). */
  readonly applies?: (model: ColoBudgets) => boolean;
}

const heartbeatOn = (model: ColoBudgets, side?: NodeRole): boolean =>
  model.faultBudget > 0 && model.kinds.has('heartbeat') && (side === undefined || model.sides.includes(side));

/** Every property the checker evaluates (deadlock is the engine's own, named `deadlock`). @public */
export const COLO_PROPERTIES: readonly ColoProperty[] = [
  {
    name: 'takeover-holds-complete-checkpoint',
    kind: 'safety',
    counts: 'violation',
    description:
      'a secondary that took over holds every checkpoint the primary completed, and never flushed its colo cache without the whole checkpoint (RAM and device blob) received',
    property: () =>
      Property.always(
        'takeover-holds-complete-checkpoint',
        (st) =>
          counter(st.counters, 'flushes') <= counter(st.counters, 'blobs') &&
          (!isService(st, 'secondary') || st.s.facts.checkpoints >= st.p.facts.checkpoints),
      ),
  },
  {
    name: 'output-commit',
    kind: 'safety',
    counts: 'violation',
    description:
      'the primary counts a checkpoint (and resumes the PVM, releasing its output) only after the secondary loaded it',
    property: () =>
      Property.always('output-commit', (st) => st.p.facts.checkpoints <= st.s.facts.checkpoints),
  },
  {
    name: 'no-released-cache-access',
    kind: 'safety',
    counts: 'violation',
    description: 'no multifd receive thread stores pages into the colo cache after colo_release_ram_cache',
    property: () => Property.always('no-released-cache-access', (st) => (st.flags & FLAG.cacheUaf) === 0),
  },
  {
    name: 'no-closed-file-access',
    kind: 'safety',
    counts: 'violation',
    description: "no thread shuts down the primary's return-path QEMUFile after it was fclosed",
    property: () => Property.always('no-closed-file-access', (st) => (st.flags & FLAG.fileUaf) === 0),
  },
  {
    name: 'split-brain',
    kind: 'safety',
    counts: 'finding',
    description:
      'both sides run as the service (the secondary left COLO and runs while the primary runs): a finding, expected when a heartbeat is issued on a healthy pair',
    property: () =>
      Property.always('split-brain', (st) => !(isService(st, 'primary') && isService(st, 'secondary'))),
  },
  {
    name: 'heartbeat-side-runs',
    kind: 'liveness',
    counts: 'violation',
    description:
      'after an accepted x-colo-lost-heartbeat on a surviving side, that side eventually runs as the service (weak fairness per thread)',
    property: (model) =>
      Property.eventually('heartbeat-side-runs', (st) => {
        const sides = (['primary', 'secondary'] as const).filter((side) => has(st, FLAG.hb, side));
        if (sides.length === 0) return counter(st.counters, 'faults') >= model.faultBudget;
        return sides.every(
          (side) =>
            has(st, FLAG.dead, side) ||
            has(st, FLAG.hbRefused, side) ||
            (isService(st, side) && entryOf(st, side).facts.failoverCompleted),
        );
      }),
  },
  {
    name: 'checkpoint-completes',
    kind: 'sometimes',
    counts: 'violation',
    description:
      'vacuity guard: some run completes a checkpoint (the primary counts one); checked when the checkpoint budget is at least 1',
    property: () => Property.sometimes('checkpoint-completes', (st) => st.p.facts.checkpoints >= 1),
    applies: (model) => model.checkpointBudget > 0,
  },
  {
    name: 'failover-completes',
    kind: 'sometimes',
    counts: 'violation',
    description:
      'vacuity guard: some run completes a failover on a living side; checked when the injector may issue x-colo-lost-heartbeat',
    property: () =>
      Property.sometimes('failover-completes', (st) =>
        (['primary', 'secondary'] as const).some(
          (side) => !has(st, FLAG.dead, side) && entryOf(st, side).facts.failoverCompleted,
        ),
      ),
    applies: (model) => heartbeatOn(model),
  },
  {
    name: 'secondary-takes-over',
    kind: 'sometimes',
    counts: 'violation',
    description:
      'vacuity guard: some run has the secondary leave COLO and run as the service; checked when the injector may issue x-colo-lost-heartbeat on the secondary',
    property: () => Property.sometimes('secondary-takes-over', (st) => isService(st, 'secondary')),
    applies: (model) => heartbeatOn(model, 'secondary'),
  },
];
