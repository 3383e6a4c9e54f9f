import { describe, expect, it } from 'vitest';
import { chartGroups, MIN_GROUP_SIZE } from '../../charts/groups.js';
import { loadChart } from '../../charts/model.js';
import { CASES } from './cases.js';

describe('state groups', () => {
  it.each(CASES)('%s (%s): every member of a group takes each of its exits', (machine, profile) => {
    const model = loadChart(machine, { profile });
    for (const group of chartGroups(model)) {
      expect(group.members.length).toBeGreaterThanOrEqual(MIN_GROUP_SIZE);
      for (const exit of group.exits)
        for (const member of group.members)
          expect(
            model.document.transitions.some(
              (t) =>
                t.from === member && t.event === exit.event && t.guard === exit.guard && t.to === exit.to,
            ),
            `${member} --${exit.event}--> ${exit.to}`,
          ).toBe(true);
    }
  });

  it.each(CASES)(
    '%s (%s): groups nest or are disjoint, hold no initial state, and are maximal',
    (machine, profile) => {
      const model = loadChart(machine, { profile });
      const groups = chartGroups(model);
      const initials = new Set(Object.values(model.initials));
      for (const a of groups) {
        for (const m of a.members) expect(initials.has(m)).toBe(false);
        for (const b of groups) {
          if (a === b) continue;
          const shared = a.members.filter((m) => b.members.includes(m)).length;
          expect([0, a.members.length, b.members.length], `${a.id} / ${b.id}`).toContain(shared);
        }
        // no other non-initial state takes all of the group's exits: the group is every state that does
        for (const exit of a.exits) {
          const takers = model.document.transitions
            .filter(
              (t) => t.event === exit.event && t.guard === exit.guard && t.to === exit.to && t.from !== t.to,
            )
            .map((t) => t.from)
            .filter((s) => !initials.has(s));
          expect([...new Set(takers)].sort()).toEqual([...a.members].sort());
        }
      }
    },
  );

  it('finds the running states of the source from migrate_cancel, and the error exits inside them', () => {
    const groups = chartGroups(loadChart('migration-source', { profile: 'qemu-11.0' }));
    const cancel = groups.find((g) => g.exits.some((e) => e.event === 'migrate_cancel'))!;
    expect(cancel.members).toContain('colo');
    expect(cancel.members).not.toContain('none');
    const sendError = groups.find((g) => g.exits.some((e) => e.event === 'multifd-send-error'))!;
    expect(sendError.within).toBe(cancel.id);
  });
});
