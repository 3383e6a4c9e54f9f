import { beforeAll, describe, expect, it } from 'vitest';
import type { ColoModelOptions } from '../../../model/index.js';
import type { PromelaProperty } from '../../../model/promela/index.js';
import { crossCheck } from '../../../model/spin/index.js';
import { requireSpin } from './support.js';

// Spin explores the Promela export (the same compiled machines, the glue written as Promela) on its own:
// it must find exactly lockstep's distinct states and the same verdict for every safety property.
const CASES: ReadonlyArray<{ name: string; options: ColoModelOptions; violated: PromelaProperty[] }> = [
  { name: 'plain, every fix, one fault of any kind', options: {}, violated: ['split-brain'] },
  { name: 'plain, QEMU 7.2', options: { profile: 'qemu-7.2' }, violated: ['split-brain'] },
  {
    name: 'plain, two checkpoints, faults on the secondary only',
    options: { checkpoints: 2, faultSides: ['secondary'] },
    violated: ['split-brain'],
  },
  {
    name: 'return-path-reuse off: heartbeat then migrate_cancel',
    options: { faults: 2, faultKinds: ['heartbeat', 'cancel'], withoutFix: ['return-path-reuse'] },
    violated: ['no-closed-file-access', 'split-brain'],
  },
  {
    name: 'multifd 1, every fix, a link break: the receive-side sync hang',
    options: { multifd: 1, faultKinds: ['link-break'] },
    violated: ['deadlock'],
  },
  {
    name: 'multifd 1, release-cache-after-multifd off: the freed colo cache',
    options: { multifd: 1, faultKinds: ['heartbeat'], withoutFix: ['release-cache-after-multifd'] },
    violated: ['no-released-cache-access', 'split-brain'],
  },
  {
    name: 'multifd 1, every fault kind, with the proposed recv-kick-on-exit: nothing but split brain',
    options: { multifd: 1, withFix: ['recv-kick-on-exit'] },
    violated: ['split-brain'],
  },
  {
    name: 'multifd 2, multifd-kick-on-exit off, a yank of the primary: the send-side sync hang',
    options: {
      multifd: 2,
      faultKinds: ['yank'],
      faultSides: ['primary'],
      withoutFix: ['multifd-kick-on-exit'],
    },
    violated: ['deadlock'],
  },
];

describe('Spin agrees with lockstep', () => {
  beforeAll(requireSpin);

  it.each(CASES)(
    '$name',
    async ({ options, violated }) => {
      const result = await crossCheck(options);
      expect(result.spin.states).toBe(result.lockstep.states);
      expect([...result.spin.violated].sort()).toEqual([...violated].sort());
      expect([...result.lockstep.violated].sort()).toEqual([...violated].sort());
      expect(result.agree).toBe(true);
    },
    120_000,
  );
});

// The tables compiled by closure (no composed search) hold more node states than the search reaches;
// Spin, exploring from the initial state, must still find exactly lockstep's states and verdicts, and
// never a transition the closure lacks.
const CLOSURE_CASES = CASES.filter((c) =>
  [
    'plain, every fix, one fault of any kind',
    'multifd 1, every fix, a link break: the receive-side sync hang',
    'return-path-reuse off: heartbeat then migrate_cancel',
  ].includes(c.name),
);

describe('Spin agrees with lockstep on the export compiled by closure', () => {
  beforeAll(requireSpin);

  it.each(CLOSURE_CASES)(
    '$name',
    async ({ options, violated }) => {
      const result = await crossCheck(options, 'closure');
      expect(result.problems).toEqual([]);
      expect(result.spin.states).toBe(result.lockstep.states);
      expect([...result.spin.violated].sort()).toEqual([...violated].sort());
      expect(result.agree).toBe(true);
    },
    180_000,
  );
});
