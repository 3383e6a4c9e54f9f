import { describe, expect, it } from 'vitest';
import { chartSummary, formatSummaryTable } from '../../charts/summary.js';
import { MACHINE_NAMES, MACHINES, PROFILE_NAMES, PROFILES } from '../../machines/index.js';

/** A state's config as the machine was written: only what counting needs. */
interface StateConfig {
  readonly states?: Readonly<Record<string, StateConfig>>;
  readonly on?: Readonly<Record<string, unknown>>;
}

/**
 * Counts states and targeted transitions from the machine's written config (`machine.config`), not from
 * the state nodes machineGraph walks: a transition is one `{ target }` (or a bare target string) of an
 * `on` entry, and a candidate without a target (context only) is no transition.
 */
function countConfig(config: StateConfig): { states: number; transitions: number } {
  let states = 0;
  let transitions = 0;
  const candidates = (spec: unknown): unknown[] => (Array.isArray(spec) ? spec : [spec]);
  const hasTarget = (candidate: unknown): boolean =>
    typeof candidate === 'string' ||
    (typeof candidate === 'object' && candidate !== null && 'target' in candidate);
  const visit = (node: StateConfig): void => {
    for (const spec of Object.values(node.on ?? {})) transitions += candidates(spec).filter(hasTarget).length;
    for (const child of Object.values(node.states ?? {})) {
      states++;
      visit(child);
    }
  };
  visit(config);
  return { states, transitions };
}

describe('chart summary', () => {
  it('has one row per machine and profile, machine by machine, in the registry order', () => {
    const rows = chartSummary();
    expect(rows.map((r) => [r.machine, r.profile])).toEqual(
      MACHINE_NAMES.flatMap((machine) => PROFILE_NAMES.map((profile) => [machine, profile])),
    );
    expect(chartSummary(['qemu-7.2']).every((r) => r.profile === 'qemu-7.2')).toBe(true);
  });

  it('counts what the machine definitions hold', () => {
    for (const row of chartSummary()) {
      const machine = MACHINES[row.machine].create({ profile: PROFILES[row.profile] });
      const counted = countConfig(machine.config as StateConfig);
      expect({ states: row.states, transitions: row.transitions }, `${row.machine} ${row.profile}`).toEqual(
        counted,
      );
    }
  });

  it('sees what a profile adds: qemu-11.0 has the FAILING status, so its source has more states', () => {
    const rows = chartSummary();
    const source = (profile: string) =>
      rows.find((r) => r.machine === 'migration-source' && r.profile === profile);
    const added = PROFILES['qemu-11.0'].statuses.filter((s) => !PROFILES['qemu-7.2'].statuses.includes(s));
    expect(added).toContain('failing');
    expect(source('qemu-11.0')!.states).toBeGreaterThan(source('qemu-7.2')!.states);
  });

  it('formats as a table with a header, one line per row and right-aligned numbers', () => {
    const rows = chartSummary(['qemu-7.2']);
    const lines = formatSummaryTable(rows).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^machine\s+profile\s+states\s+transitions$/);
    expect(lines).toHaveLength(rows.length + 1);
    const width = lines[0]!.length;
    rows.forEach((row, i) => {
      const line = lines[i + 1]!;
      expect(line.startsWith(row.machine)).toBe(true);
      expect(line.endsWith(String(row.transitions))).toBe(true);
      expect(line).toHaveLength(width);
    });
  });
});
