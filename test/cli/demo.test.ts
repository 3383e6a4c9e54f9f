import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { tempDir } from '../support/temp-dir.js';
import { captureIo } from './io.js';

const FAST = ['--ram', '16M', '--checkpoint-delay', '40'];
// each run's event logs go to a folder the test removes (without --log-dir the demo keeps them in /tmp)
let logs: string;
beforeEach(async () => {
  logs = await tempDir('lockstep-demo-test-');
  FAST.splice(4, 2, '--log-dir', logs);
});

describe('lockstep demo', () => {
  it('--json prints one object of the documented shape: 3 checkpoints, the secondary takes over, digests match', async () => {
    const io = captureIo();
    const code = await main(['demo', ...FAST, '--checkpoints', '3', '--json'], io);
    expect(code).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ profile: 'qemu-11.0', multifd: 0 });
    expect(result.checkpoints).toHaveLength(3);
    for (const c of result.checkpoints) {
      expect(Object.keys(c).sort()).toEqual(['bytes', 'dirtyPages', 'pauseMs']);
      expect(c.pauseMs).toBeGreaterThanOrEqual(0);
    }
    expect(result.failover).toEqual({ side: 'secondary', resumedFromCheckpoint: 3, digestMatch: true });
  });

  it('--failover primary: the secondary is killed and the primary continues', async () => {
    const io = captureIo();
    const code = await main(['demo', ...FAST, '--checkpoints', '2', '--failover', 'primary', '--json'], io);
    expect(code).toBe(0);
    const result = JSON.parse(io.out());
    expect(result.failover.side).toBe('primary');
    expect(result.failover.digestMatch).toBe(true);
    expect(result.failover.resumedFromCheckpoint).toBeGreaterThanOrEqual(2);
  });

  it('human output a newcomer reads: what ran, the precopy, units, what each figure means, the logs', async () => {
    const io = captureIo();
    const code = await main(['demo', ...FAST, '--checkpoints', '2', '--multifd', '2'], io);
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toMatch(
      /^qemu-11\.0, 16 MiB guest, pages over 2 multifd channels, a checkpoint every \d+ ms\n/,
    );
    expect(out).toMatch(/precopy: \d+ ms from migrate until both sides were in COLO/);
    expect(out).toMatch(
      /checkpoint\s+pause \(ms\)\s+dirty pages\s+sent \(MiB\)\n1\s+[\d.]+\s+\d+\s+\d+\.\d\d\n/,
    );
    expect(out).toMatch(/pause: mean [\d.]+ ms, p99 [\d.]+ ms\n.*stood still.*\n.*lower is better/);
    expect(out).toMatch(
      /failover: the primary was killed; the secondary took over, resuming from checkpoint 2/,
    );
    expect(out).toMatch(/digest check: match - the survivor's RAM is exactly the image of checkpoint 2/);
    expect(out).toMatch(/logs: .*primary\.jsonl, .*secondary\.jsonl\n.*lockstep log replay FILE/);
    // piped (not a TTY): progress as plain lines on stderr
    expect(io.err()).toMatch(/^precopy of 16M .*multifd 2\)\n/);
  });

  it('a bad --failover is one line naming the valid sides, exit 2', async () => {
    const io = captureIo();
    expect(await main(['demo', '--failover', 'both'], io)).toBe(2);
    expect(io.err()).toBe('lockstep: unknown failover side "both"; valid: primary, secondary, none\n');
    expect(io.out()).toBe('');
  });

  it('qemu-7.2 with --multifd 2 runs as QEMU 7.2 does: the first checkpoint fails, exit 1', async () => {
    const io = captureIo();
    const argv = [
      'demo',
      '--profile',
      'qemu-7.2',
      '--multifd',
      '2',
      '--ram',
      '4M',
      '--checkpoint-delay',
      '50',
    ];
    expect(await main(argv, io)).toBe(1);
    expect(io.err()).toMatch(
      /^lockstep: checkpoint 1 failed: the secondary's COLO thread left COLO \(COLO_EXIT error\).*\n$/m,
    );
  });

  it('--tls: certificates made for the run, every channel a TLS session, the report says so', {
    timeout: 120_000,
  }, async () => {
    const io = captureIo();
    const code = await main(['demo', ...FAST, '--checkpoints', '2', '--multifd', '2', '--tls'], io);
    expect(code).toBe(0);
    expect(io.out()).toContain('migration TLS: on, 3 of 3 channels');
    expect(io.out()).toMatch(/digest check: match/);
    expect(io.err()).toMatch(/migration TLS: certificates made for this run; the secondary accepts only CN=/);
    const json = captureIo();
    expect(await main(['demo', ...FAST, '--checkpoints', '1', '--tls', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out()).migrationTls).toEqual({ channels: 1, encrypted: 1 });
  });

  it('bad numbers and sizes are usage errors', async () => {
    for (const argv of [
      ['demo', '--checkpoints', '0'],
      ['demo', '--multifd', 'two'],
      ['demo', '--ram', '3K'],
    ]) {
      const io = captureIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.err().trim().split('\n')).toHaveLength(1);
    }
  });
});
