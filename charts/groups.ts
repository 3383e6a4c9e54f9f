import type { TransitionEdge } from '../machines/index.js';
import type { ChartModel } from './model.js';

/** One exit a whole group takes: the same event, guard and target from every member. @public */
export interface GroupExit {
  readonly event: string;
  readonly guard: string | null;
  readonly to: string;
}

/**
 * States the machine treats alike: every member leaves on the same event (and guard) for the same target,
 * so a chart draws that edge once, from the group's box. Groups nest or are disjoint, never overlap.
 * @public
 */
export interface StateGroup {
  /** `group-0`, `group-1`…, in the order the groups were chosen (largest first). */
  readonly id: string;
  /** The member states, in definition order; all children of `parent`. */
  readonly members: readonly string[];
  /** The compound state the members belong to (`''` for the root). */
  readonly parent: string;
  /** The exits drawn from the group's box. */
  readonly exits: readonly GroupExit[];
  /** The smallest chosen group that holds this one, if any. */
  readonly within: string | null;
}

/** The least number of states that share an exit before the chart draws them as a group. @public */
export const MIN_GROUP_SIZE = 3;

const parentOf = (path: string): string => (path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '');
const exitKey = (t: GroupExit): string => JSON.stringify([t.event, t.guard, t.to]);

/**
 * Finds the groups from the transitions themselves: for every (event, guard, target), the sibling states
 * that take it (the target itself left out: its own loop stays an edge; so is an initial state, where the
 * chart's flow starts). Candidates with the same members
 * become one group with several exits; the largest are chosen first, and a candidate that would overlap a
 * chosen group without nesting in it or holding it is left to plain edges. No list of states is kept by
 * hand: a machine that gains a `migrate_cancel` from one more state gains that state in the group.
 * @example chartGroups(loadChart('migration-source')).find((g) => g.exits.some((e) => e.event === 'migrate_cancel'))
 * @public
 */
export function chartGroups(model: ChartModel): StateGroup[] {
  const order = new Map(model.document.states.map((s, i) => [s, i]));
  const byExit = new Map<string, { exit: GroupExit; from: Set<string> }>();
  // the initial states start the chart's flow, so they stay out of every group's box
  const initials = new Set(Object.values(model.initials));
  for (const t of model.document.transitions) {
    if (t.from === t.to || initials.has(t.from) || parentOf(t.from) !== parentOf(t.to)) continue;
    const exit = { event: t.event, guard: t.guard, to: t.to };
    const key = exitKey(exit);
    const entry = byExit.get(key) ?? { exit, from: new Set<string>() };
    entry.from.add(t.from);
    byExit.set(key, entry);
  }
  const byMembers = new Map<string, { members: string[]; exits: GroupExit[] }>();
  for (const { exit, from } of byExit.values()) {
    if (from.size < MIN_GROUP_SIZE) continue;
    const members = [...from].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const key = members.join('\n');
    const entry = byMembers.get(key) ?? { members, exits: [] };
    entry.exits.push(exit);
    byMembers.set(key, entry);
  }
  const candidates = [...byMembers.values()].sort(
    (a, b) => b.members.length - a.members.length || b.exits.length - a.exits.length,
  );
  const chosen: Array<{ members: string[]; set: Set<string>; exits: GroupExit[] }> = [];
  for (const candidate of candidates) {
    const set = new Set(candidate.members);
    const laminar = chosen.every(
      (g) => candidate.members.every((m) => g.set.has(m)) || candidate.members.every((m) => !g.set.has(m)),
    );
    if (laminar) chosen.push({ ...candidate, set });
  }
  return chosen.map((group, index) => {
    // chosen is ordered largest first, so the last earlier group holding this one is the smallest
    const holders = chosen.slice(0, index).filter((g) => group.members.every((m) => g.set.has(m)));
    const within = holders.at(-1);
    return {
      id: `group-${index}`,
      members: group.members,
      parent: parentOf(group.members[0] ?? ''),
      exits: group.exits,
      within: within ? `group-${chosen.indexOf(within)}` : null,
    };
  });
}

/** The group whose exit draws `t` in the overview, or undefined when `t` is an edge of its own. @public */
export function groupDrawing(groups: readonly StateGroup[], t: TransitionEdge): StateGroup | undefined {
  return groups.find(
    (g) =>
      g.members.includes(t.from) &&
      g.exits.some((e) => e.event === t.event && e.guard === t.guard && e.to === t.to),
  );
}

/** A group's title: the events its members share (`on migrate_cancel`), as the edge drawn from it says. @public */
export const groupLabel = (group: StateGroup): string =>
  `on ${[...new Set(group.exits.map((e) => e.event))].join(', ')}`;
