import { describe, expect, it } from 'vitest';
import {
  type ColoAction,
  type ColoModelOptions,
  type ColoState,
  checker,
  createColoModel,
  verdicts,
} from '../../../model/index.js';

const GUARDS = ['checkpoint-completes', 'failover-completes', 'secondary-takes-over'];

function guardsOf(options: ColoModelOptions) {
  const model = createColoModel(options);
  const all = verdicts(model, checker(model).spawnBfs());
  return Object.fromEntries(all.filter((v) => GUARDS.includes(v.property)).map((v) => [v.property, v]));
}

describe('vacuity guards: "no violation" never comes from a model that does nothing', () => {
  it('the plain system reaches each guard, with an example trace', () => {
    const guards = guardsOf({});
    for (const name of GUARDS) {
      expect(guards[name]).toMatchObject({ kind: 'sometimes', verdict: 'holds', complete: true });
      expect(guards[name]!.trace!.actions.length).toBeGreaterThan(0);
    }
    const model = createColoModel({});
    const last = guards['checkpoint-completes']!.trace!.states.at(-1)!;
    expect(
      model
        .properties()
        .find((p) => p.name === 'checkpoint-completes')!
        .holds(last),
    ).toBe(true);
  });

  it('multifd channels still complete a checkpoint', () => {
    expect(guardsOf({ multifd: 1, faultKinds: ['kill'] })['checkpoint-completes']!.verdict).toBe('holds');
  });

  it('a guard the configuration cannot ask for is not checked (and so not falsely violated)', () => {
    expect(Object.keys(guardsOf({ checkpoints: 0 })).sort()).toEqual([
      'failover-completes',
      'secondary-takes-over',
    ]);
    expect(Object.keys(guardsOf({ faultKinds: ['kill', 'yank'] }))).toEqual(['checkpoint-completes']);
    expect(Object.keys(guardsOf({ faults: 0 }))).toEqual(['checkpoint-completes']);
    expect(Object.keys(guardsOf({ faultKinds: ['heartbeat'], faultSides: ['primary'] })).sort()).toEqual([
      'checkpoint-completes',
      'failover-completes',
    ]);
  });

  it('a system whose checkpoint trigger never fires is caught: checkpoint-completes violated, safety intact', () => {
    const model = createColoModel({});
    const actions = model.actions.bind(model);
    model.actions = (st: ColoState, out: ColoAction[]) => {
      actions(st, out);
      const kept = out.filter((a) => a.t !== 'trigger');
      out.length = 0;
      out.push(...kept);
    };
    const all = verdicts(model, checker(model).spawnBfs());
    const get = (name: string) => all.find((v) => v.property === name)!;
    expect(get('checkpoint-completes')).toMatchObject({ verdict: 'violated', complete: true, trace: null });
    expect(get('output-commit').verdict).toBe('holds');
    expect(get('takeover-holds-complete-checkpoint').verdict).toBe('holds');
  });

  it('the CLI prints each guard beside the others with the length of its example', async () => {
    const { main } = await import('../../../cli/main.js');
    let out = '';
    const code = await main(['check', '--trace-out', `.lockstep/test-traces/vacuity-${process.pid}`], {
      stdout: (t) => (out += t),
      stderr: () => {},
    });
    expect(code).toBe(0);
    expect(out).toMatch(/^checkpoint-completes\s+sometimes holds \(reached in \d+ steps\)$/m);
    expect(out).toMatch(/^secondary-takes-over\s+sometimes holds \(reached in \d+ steps\)$/m);
  });
});
