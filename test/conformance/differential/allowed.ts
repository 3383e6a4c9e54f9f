/**
 * The reviewed list of differences between QEMU 7.2 and lockstep (qemu-7.2) that the differential test
 * accepts, each with its reason; docs/conformance.md lists the same ones.
 */
import type { Recorded } from './phases.js';

/** One allowed difference. */
export interface Allowed {
  readonly command: string;
  /** Phases it applies to; all when absent. */
  readonly phases?: readonly string[];
  readonly reason: string;
  /** Whether this pair of observations is the difference described. */
  matches(qemu: Recorded, lockstep: Recorded): boolean;
}

const reply = (r: Recorded) => r.observed.reply;
const sameEvents = (q: Recorded, l: Recorded) =>
  JSON.stringify(q.observed.events) === JSON.stringify(l.observed.events);
/** The parsed shape of a `return` reply. */
const returned = (r: Recorded): unknown =>
  reply(r).startsWith('return ') ? JSON.parse(reply(r).slice('return '.length)) : undefined;

/** The allowed differences (docs/conformance.md, "Allowed differences"). */
export const ALLOWED: readonly Allowed[] = [
  {
    command: 'query-yank',
    reason: "QEMU's monitor is a chardev (compat_monitor0) and a yank instance; lockstep's QMP server is not",
    matches: (q, l) => {
      const qemu = returned(q);
      const chardev = JSON.stringify({ id: 'string', type: 'string' });
      return (
        Array.isArray(qemu) &&
        sameEvents(q, l) &&
        JSON.stringify(qemu.filter((e) => JSON.stringify(e) !== chardev)) === JSON.stringify(returned(l))
      );
    },
  },
  {
    command: 'query-migrate',
    phases: ['precopy'],
    reason:
      "lockstep reports the RAM statistics it measures (transferred, remaining, total, dirty-sync-count, page-size) and no time estimates; every member it reports is QEMU's, with its type",
    matches: (q, l) => sameEvents(q, l) && subset(returned(l), returned(q)),
  },
  {
    command: '*',
    phases: ['colo', 'after-failover'],
    reason:
      'STOP and RESUME of a COLO checkpoint or of the failover come when the VM stops or resumes, not in answer to a command; where they fall between two replies is timing',
    matches: (q, l) =>
      reply(q) === reply(l) &&
      JSON.stringify(q.observed.events.filter(notRunState)) ===
        JSON.stringify(l.observed.events.filter(notRunState)),
  },
];

const notRunState = (event: string) => event !== 'STOP' && event !== 'RESUME';

/** Whether every member of `small` is in `big` with the same shape (objects compared member by member). */
function subset(small: unknown, big: unknown): boolean {
  if (typeof small !== 'object' || small === null || Array.isArray(small))
    return JSON.stringify(small) === JSON.stringify(big);
  if (typeof big !== 'object' || big === null) return false;
  return Object.entries(small).every(([k, v]) => k in big && subset(v, (big as Record<string, unknown>)[k]));
}

/** The allowed difference that explains this pair, if any. */
export function explain(phase: string, qemu: Recorded, lockstep: Recorded): Allowed | undefined {
  return ALLOWED.find(
    (a) =>
      (a.command === qemu.command || a.command === '*') &&
      (a.phases?.includes(phase) ?? true) &&
      a.matches(qemu, lockstep),
  );
}
