import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectFiles, projectStateNameUses, stateNameUses } from './support/state-name-guard.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * machines/ is the single source of truth: no layer outside it decides on a machine's state name or a
 * profile's name; it asks the node (typed queries, tags). The guard walks the AST of every .ts outside
 * machines/ and test/.
 */
describe('no state or profile names decided on outside machines/', () => {
  it('walks the whole project (runtime, replay, model, conformance, cli, view …)', () => {
    const files = projectFiles(root).map((f) => f.slice(root.length));
    for (const folder of ['runtime/', 'replay/', 'model/', 'conformance/', 'cli/', 'view/'])
      expect(
        files.some((f) => f.startsWith(folder)),
        folder,
      ).toBe(true);
    expect(files.some((f) => f.startsWith('machines/') || f.startsWith('test/'))).toBe(false);
  });

  it('finds none', () => {
    expect(projectStateNameUses(root)).toEqual([]);
  });

  const planted: ReadonlyArray<readonly [string, string]> = [
    ['snapshot value === literal', "if (node.state.source.value === 'pre-switchover') go();"],
    ['literal !== String(value)', "const x = 'colo' !== String(n.incoming.value);"],
    ['optional chain', "const idle = survivor.state.colo?.value === 'wait-checkpoint-event';"],
    [
      'a region of a parallel machine',
      "const m = (n.multifdSend!.value as Record<string, string>).main === 'idle';",
    ],
    ['a hand-written list', "['wait-exit-event', 'wait-incoming-event'].includes(String(s.colo?.value));"],
    ['a Set of names', 'IDLE.has(String(node.colo.value));'],
    ['a switch', "switch (String(node.state.source.value)) { case 'active': break; }"],
    ['a state-name query', "if (channelState(node, 0) === 'read') read();"],
    ['a profile name', "const v = options.profile.name === 'qemu-7.2' ? 7 : 11;"],
    ['a profile literal', "if (name === 'qemu-11.0') x();"],
    ['a profile switch', 'switch (profile.name) { default: }'],
  ];
  for (const [what, code] of planted) {
    it(`catches a planted violation: ${what}`, () => {
      const uses = stateNameUses('planted.ts', code);
      expect(uses.length, code).toBeGreaterThan(0);
      expect(uses[0]!.line).toBe(1);
    });
  }

  it('leaves alone what is not a machine state: QMP data, edge fields, queries that answer yes or no', () => {
    const clean = [
      "if (effect.kind === 'qmp-event' && effect.event === 'MIGRATION') x();",
      "if (event === 'MIGRATION') this.migration(line, data?.status);",
      "if (cache.mode === 'colo') stage();",
      'if (awaitsFailover(node.state)) failOver();',
      "const p = PROFILES[options.profile ?? 'qemu-11.0'];",
    ];
    for (const code of clean) expect(stateNameUses('clean.ts', code), code).toEqual([]);
  });
});
