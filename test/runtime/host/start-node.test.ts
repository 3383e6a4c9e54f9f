import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../runtime/errors.js';
import { type StartNodeOptions, startNode } from '../../../runtime/host/index.js';

const logIn = async () => join(await mkdtemp(join(tmpdir(), 'lockstep-host-')), 'node.jsonl');

const refusal = async (options: StartNodeOptions) => {
  const error = await startNode(options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockstepError);
  return error as LockstepError;
};

describe('startNode refuses what cannot start a node, with a typed error naming the option', () => {
  it('a role, a profile, a multifd count, a delay that are not what a node takes', async () => {
    const logPath = await logIn();
    const cases: Array<[StartNodeOptions, string]> = [
      [{ role: 'tertiary' as never, logPath }, 'role'],
      [{ role: 'primary', logPath, profile: 'qemu-9.9' as never }, 'profile'],
      [{ role: 'primary', logPath, multifd: -1 }, 'multifd'],
      [{ role: 'primary', logPath, multifd: 1.5 }, 'multifd'],
      [{ role: 'primary', logPath, checkpointDelayMs: Number.NaN }, 'checkpointDelayMs'],
      [{ role: 'primary', logPath, listen: '127.0.0.1:0' }, 'listen'],
    ];
    for (const [options, option] of cases) {
      const error = await refusal(options);
      expect(error.code).toBe('bad-node-option');
      expect(error.message).toContain(`startNode: ${option} is`);
    }
    expect((await refusal({ role: 'primary', logPath, ram: '3K' })).code).toBe('bad-ram-size');
    expect((await refusal({ role: 'secondary', logPath, listen: 'nowhere' })).code).toBe('bad-uri');
  });

  it('a migration address already taken: migration-listen-failed, and the node it started is stopped', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const logPath = await logIn();
    try {
      const error = await refusal({
        role: 'secondary',
        logPath,
        capabilities: { 'x-colo': true },
        listen: `127.0.0.1:${port}`,
      });
      expect(error.code).toBe('migration-listen-failed');
      expect(error.message).toContain(`127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
    // the log was closed whole: every line is one JSON event
    const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('a started node', () => {
  it('serves QMP where asked and reports typed events; stop closes it', async () => {
    const node = await startNode({ role: 'secondary', logPath: await logIn(), ram: '1M', qmp: { port: 0 } });
    const address = node.qmpAddress;
    expect(address && 'port' in address && address.port > 0).toBe(true);
    const statuses: string[] = [];
    node.on('migration', ({ status }) => statuses.push(status));
    const listening = node.next('listening');
    expect(
      await node.qmp('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] }),
    ).toEqual({ return: {} });
    expect(await node.qmp('migrate-incoming', { uri: 'tcp:127.0.0.1:0' })).toEqual({ return: {} });
    const where = await listening;
    expect(where.port).toBeGreaterThan(0);
    expect(node.migrationAddress).toEqual(where);
    expect(statuses).toContain('setup');
    await node.stop();
    expect(node.stoppedOrKilled).toBe(true);
  });
});
