/**
 * The differential test: the corpus sent to a real QEMU 7.2 and to lockstep under --profile qemu-7.2 in
 * each status; replies and events compared structurally; every difference must be one of ALLOWED.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type ImplName, runScenario } from '../../../conformance/scenarios/index.js';
import { explain } from './allowed.js';
import { servedCommands } from './corpus.js';
import { PHASES, phaseScenario, type Recorded } from './phases.js';

async function run(impl: ImplName, phase: (typeof PHASES)[number]) {
  const recorded: Recorded[] = [];
  const reached = { value: false };
  const result = await runScenario(phaseScenario(phase, recorded, reached), impl, {
    artifactsRoot: 'test-artifacts/differential',
    runTimeoutMs: 60_000,
  });
  return { recorded, reached: reached.value, error: result.error };
}

describe('QMP against QEMU 7.2, exchange by exchange', () => {
  const all: Array<{ phase: string; qemu: Recorded; lockstep: Recorded }> = [];
  const explained: string[] = [];

  it.each(PHASES.map((p) => [p.name, p] as const))(
    '%s',
    async (_, phase) => {
      const qemu = await run('qemu', phase);
      const lockstep = await run('lockstep-7.2', phase);
      expect(qemu.error).toBeNull();
      expect(lockstep.error).toBeNull();
      expect([qemu.reached, lockstep.reached]).toEqual([true, true]);
      expect(lockstep.recorded.length).toBe(qemu.recorded.length);
      const unexplained: string[] = [];
      for (const [i, q] of qemu.recorded.entries()) {
        const l = lockstep.recorded[i] as Recorded;
        all.push({ phase: phase.name, qemu: q, lockstep: l });
        if (JSON.stringify(q.observed) === JSON.stringify(l.observed)) continue;
        const allowed = explain(phase.name, q, l);
        if (allowed) {
          explained.push(`${phase.name} ${q.role} ${q.command} (${q.why}): ${allowed.reason}`);
          continue;
        }
        unexplained.push(
          `${phase.name} ${q.role} ${q.command} ${JSON.stringify(q.args ?? {})} (${q.why}):\n  qemu     ${JSON.stringify(q.observed)}\n  lockstep ${JSON.stringify(l.observed)}`,
        );
      }
      expect(unexplained).toEqual([]);
    },
    150_000,
  );

  it('covers at least 150 exchanges and every command served with valid arguments', async () => {
    await mkdir('test-artifacts/differential', { recursive: true });
    await writeFile(
      'test-artifacts/differential/report.md',
      `${all.length} exchanges, ${explained.length} allowed differences:\n\n${explained.map((e) => `- ${e}`).join('\n')}\n`,
    );
    expect(all.length).toBeGreaterThanOrEqual(150);
    const sentValid = new Set(all.filter((e) => e.qemu.why === 'valid').map((e) => e.qemu.command));
    expect(servedCommands().filter((c) => !sentValid.has(c) && c !== 'migrate-incoming')).toEqual([]);
  });
});
