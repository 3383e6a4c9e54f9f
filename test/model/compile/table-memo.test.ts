import { describe, expect, it } from 'vitest';
import { checker, createColoModel } from '../../../model/index.js';

// The tables run the machines once per (node state, input): a second search over the same model
// compiles nothing new and finds the same states.
describe('compiled node tables', () => {
  it('a second search reuses every compiled transition and agrees with the first', () => {
    const model = createColoModel();
    const first = checker(model).spawnBfs();
    const { primary, secondary } = model.composition.tables;
    const compiled = primary.transitions + secondary.transitions;
    const compileSeconds = primary.compileSeconds + secondary.compileSeconds;
    expect(compiled).toBeGreaterThan(0);
    expect(compileSeconds).toBeGreaterThan(0);
    expect(compileSeconds).toBeLessThan(first.seconds);
    expect(compiled).toBeLessThan(first.transitions);
    const second = checker(model).spawnBfs();
    expect(second.states).toBe(first.states);
    expect(second.transitions).toBe(first.transitions);
    expect(primary.transitions + secondary.transitions).toBe(compiled);
    // the compile clock runs only while machines run: the second search adds nothing to it
    expect(primary.compileSeconds + secondary.compileSeconds).toBe(compileSeconds);
  });
});
