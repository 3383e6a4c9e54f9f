/**
 * Random QMP, valid and invalid, sent to a node through its QMP backend: whatever was refused never
 * reached the log, so `lockstep log replay` of the node's log succeeds and ends where the node said it was.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { PROFILES } from '../../../machines/profiles.js';
import { createNodeBackend } from '../../../runtime/control/index.js';
import { DEFAULT_RUNTIME_OPTIONS, NodeRuntime } from '../../../runtime/node/index.js';
import { captureIo } from '../../cli/io.js';
import { qmpCommand } from './support/qapi-arbitrary.js';

interface Reported {
  readonly timeline: string[];
  readonly status: string;
  readonly colo: string | null;
  readonly failover: string;
  readonly vm: string;
}

describe('a node driven by random QMP', () => {
  it('logs only accepted commands: log replay succeeds and reproduces the states it reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockstep-random-qmp-'));
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('primary', 'secondary' as const),
          fc.constantFrom('qemu-7.2', 'qemu-11.0' as const),
          fc.array(qmpCommand, { maxLength: 12 }),
          async (role, profile, commands) => {
            const logPath = join(dir, `${++run}.jsonl`);
            const node = await NodeRuntime.start({
              ...DEFAULT_RUNTIME_OPTIONS,
              role: role as 'primary' | 'secondary',
              profile: PROFILES[profile],
              ram: '1M',
              logPath,
            });
            const backend = createNodeBackend(node);
            for (const { command, args } of commands) {
              const reply = await backend.execute(command, args, { oob: false });
              expect('return' in reply || 'error' in reply).toBe(true);
            }
            const status = await backend.execute('x-lockstep-status', undefined, { oob: false });
            const reported = (status as { return: Reported }).return;
            node.kill();
            await node.close();

            const io = captureIo();
            expect(await main(['log', 'replay', '--json', logPath], io)).toBe(0);
            const replay = JSON.parse(io.out()) as {
              timeline: string[];
              final: { source: string; incoming: string; colo: string | null; failover: string; vm: string };
            };
            expect(replay.timeline).toEqual(reported.timeline);
            expect(role === 'primary' ? replay.final.source : replay.final.incoming).toBe(reported.status);
            expect(replay.final.colo).toBe(reported.colo);
            expect(replay.final.failover).toBe(reported.failover);
            expect(replay.final.vm).toBe(reported.vm);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
