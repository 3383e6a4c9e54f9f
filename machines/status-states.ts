import type { Profile } from './profiles.js';
import { TAG } from './tags.js';
import type { MigrationStatus } from './vocabulary.js';

/** @internal A guard as XState's config takes it: a named guard or an `and`/`not` of named guards. */
export type GuardSpec = string | ((...args: never[]) => boolean);

/** @internal One candidate of a transition: where to and under which guard. */
export interface Candidate {
  readonly target: MigrationStatus;
  readonly guard?: GuardSpec;
}

/** @internal `event -> target` as a bare status, one guarded candidate, or candidates tried in order. */
export type TransitionSpec = MigrationStatus | Candidate | Candidate[];

/** @internal A status machine as a table: status -> event -> transition. */
export type StatusTransitions = Partial<Record<MigrationStatus, Record<string, TransitionSpec>>>;

/** @internal The tags a side puts on some of its statuses (beside `no-migration`, which both sides share). */
export type StatusTags = Partial<Record<MigrationStatus, readonly string[]>>;

/**
 * Statuses in which QEMU accepts migrate-set-capabilities: no migration is running
 * (migration.c:migration_is_running is false and the state is not colo).
 * @internal
 */
export const IDLE_STATUSES: readonly MigrationStatus[] = ['none', 'completed', 'failed', 'cancelled'];

/**
 * Where a status machine takes migrate-set-capabilities. QEMU keeps one set of capabilities per process
 * and checks only the *source's* state before changing it (7.2 migration.c:qmp_migrate_set_capabilities,
 * 11.0 options.c: `migration_is_running() || migration_in_colo_state()`), never the destination's: the
 * source machine takes it when `idle`, the incoming machine in `every-status` (a secondary started with
 * `-incoming` is already in setup under 11.0 when the COLO manual sets x-colo on it).
 * @internal
 */
export type CapabilitiesTaken = 'idle' | 'every-status';

const asCandidates = (spec: TransitionSpec): Candidate[] =>
  typeof spec === 'string' ? [{ target: spec }] : Array.isArray(spec) ? spec : [spec];

/**
 * Turns a status table into XState state configs, keeping only the statuses the profile knows
 * (a transition into an unknown status is a bug in the table and throws here, at build time) and that
 * this side can be in: the destination never enters `device` or `cancelling`, so its chart has no such box.
 * The idle statuses carry the tag `no-migration`; `tags` adds the side's own. migrate-set-capabilities runs
 * `setCapabilities.action` in the statuses `setCapabilities.taken` names.
 * @internal
 */
export function statusStates(
  profile: Profile,
  table: StatusTransitions,
  setCapabilities: { readonly action: string; readonly taken: CapabilitiesTaken },
  tags: StatusTags = {},
) {
  const states: Record<string, { on: Record<string, unknown>; tags?: string[] }> = {};
  const used = new Set<MigrationStatus>(['none']);
  for (const [status, row] of Object.entries(table)) {
    used.add(status as MigrationStatus);
    for (const spec of Object.values(row ?? {}))
      for (const { target } of asCandidates(spec)) used.add(target);
  }
  for (const status of profile.statuses.filter((s) => used.has(s))) {
    const on: Record<string, unknown> = {};
    for (const [event, spec] of Object.entries(table[status] ?? {})) {
      on[event] = asCandidates(spec).map(({ target, guard }) => {
        if (!profile.statuses.includes(target)) {
          throw new Error(
            `${profile.name}: ${status} --${event}--> ${target}, but ${profile.name} has no status ${target}. ` +
              `Drop the transition for this profile or add the status to its list.`,
          );
        }
        return guard === undefined ? { target } : { target, guard };
      });
    }
    const idle = IDLE_STATUSES.includes(status);
    if (idle || setCapabilities.taken === 'every-status')
      on['migrate-set-capabilities'] = { actions: setCapabilities.action };
    const stateTags = [...(idle ? [TAG.noMigration] : []), ...(tags[status] ?? [])];
    states[status] = stateTags.length > 0 ? { on, tags: stateTags } : { on };
  }
  return states;
}
