import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { captureIo } from '../../cli/io.js';
import { run } from '../../cli/run.js';
import { tempDir } from '../../support/temp-dir.js';
import { FakeQmpServer } from '../support/fake-qmp-server.js';

const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}';
const event = (seconds: number, status: string) =>
  JSON.stringify({ timestamp: { seconds, microseconds: 0 }, event: 'MIGRATION', data: { status } });

async function log(name: string, lines: string[]): Promise<string> {
  const dir = await tempDir('lockstep-trace-cli-');
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('lockstep trace check', () => {
  it('exits 0 on a conforming precopy log and prints the verdict', async () => {
    const file = await log('ok.jsonl', [
      GREETING,
      event(1, 'setup'),
      event(2, 'active'),
      event(3, 'completed'),
    ]);
    const { code, stdout } = await run('trace', 'check', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/conforms to qemu-7\.2 \(source, from nothing in the log tells; the default\)/);
  });

  it('exits 1 on a violation and --json has verdict, violations, findings, statuses', async () => {
    const file = await log('bad.jsonl', [GREETING, event(1, 'setup'), event(2, 'colo')]);
    const { code, stdout } = await run('trace', 'check', file, '--json', '--profile', 'qemu-7.2');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.verdict).toBe('violates');
    expect(report.violations[0]).toMatchObject({ line: 3, from: 'setup', to: 'colo' });
    expect(Array.isArray(report.findings) && Array.isArray(report.statuses)).toBe(true);
  });

  it('exits 2 on unreadable input, naming the line', async () => {
    const file = await log('garbage.jsonl', ['', 'this is not json']);
    const { code, stderr } = await run('trace', 'check', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/line 2: not JSON/);
    const missing = await run('trace', 'check', join(tmpdir(), 'no-such-lockstep-log.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lockstep: QMP log .*no-such-lockstep-log\.jsonl: does not exist\n$/);
  });

  it('rejects an unknown side or profile with exit 2', async () => {
    const file = await log('ok.jsonl', [GREETING]);
    expect((await run('trace', 'check', file, '--side', 'left')).code).toBe(2);
    expect((await run('trace', 'check', file, '--profile', 'qemu-1.0')).code).toBe(2);
  });

  it('--peer reports split brain', async () => {
    const resume = (s: number) =>
      JSON.stringify({ timestamp: { seconds: s, microseconds: 0 }, event: 'RESUME' });
    const source = await log('p.jsonl', [GREETING, resume(1), event(2, 'setup'), resume(9)]);
    const incoming = await log('s.jsonl', [
      GREETING,
      event(2, 'setup'),
      event(3, 'active'),
      event(4, 'completed'),
      resume(5),
      resume(9),
    ]);
    const { code, stdout } = await run('trace', 'check', source, '--peer', incoming, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings.map((f: { kind: string }) => f.kind)).toContain('split-brain');
  });
});

describe('lockstep trace attach', () => {
  it('starts from what the QEMU answers, prints status changes live and the verdict when QMP closes', async () => {
    // a QEMU in precopy with x-colo off: colo would need x-colo
    const fake = await FakeQmpServer.start({
      handlers: {
        'query-migrate-capabilities': () => ({ return: [{ capability: 'x-colo', state: false }] }),
        'query-colo-status': () => ({ return: { mode: 'none', 'last-mode': 'none', reason: 'none' } }),
        'query-status': () => ({ return: { running: true, status: 'running' } }),
        'query-migrate': () => ({ return: { status: 'setup' } }),
      },
    });
    const io = captureIo();
    const attached = main(['trace', 'attach', '--qmp', fake.path, '--duration', '20'], io);
    await fake.commandReceived('query-migrate');
    await new Promise<void>((resolve) => io.onOut((out) => out.includes('judged as') && resolve()));
    fake.emit('MIGRATION', { status: 'active' });
    fake.emit('MIGRATION', { status: 'colo' });
    await new Promise<void>((resolve) => io.onOut((out) => out.includes('VIOLATION') && resolve()));
    await fake.stop();
    const code = await attached;
    expect(io.err()).toBe('');
    expect(io.out()).toMatch(
      /migration status setup, running, COLO mode none.*judged as source \(by default\)/,
    );
    expect(io.out()).toMatch(/status setup -> active/);
    expect(io.out()).toMatch(/VIOLATION status active -> colo: colo requires x-colo/);
    expect(io.out()).toMatch(/violates to qemu-7\.2/);
    expect(code).toBe(1);
  });

  it('--json prints one JSON object per line: the start, each item, the report', async () => {
    const fake = await FakeQmpServer.start({
      handlers: {
        'query-migrate-capabilities': () => ({ return: [{ capability: 'x-colo', state: true }] }),
        'query-colo-status': () => ({ return: { mode: 'secondary', 'last-mode': 'none', reason: 'none' } }),
        'query-status': () => ({ return: { running: false, status: 'paused' } }),
        'query-migrate': () => ({ return: { status: 'colo' } }),
      },
    });
    const io = captureIo();
    const attached = main(['trace', 'attach', '--qmp', fake.path, '--json'], io);
    await new Promise<void>((resolve) => io.onOut((out) => out.includes('"start"') && resolve()));
    await fake.stop();
    expect(await attached).toBe(0);
    const lines = io
      .out()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({
      type: 'start',
      status: 'colo',
      side: 'incoming',
      sideFrom: 'query-colo-status',
    });
    expect(lines.at(-1)).toMatchObject({ type: 'report', verdict: 'conforms', side: 'incoming' });
  });

  it('exits 2 when the socket is not there', async () => {
    const { code, stderr } = await run('trace', 'attach', '--qmp', join(tmpdir(), 'no-such-qmp.sock'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lockstep: --qmp .*no-such-qmp\.sock: no socket there/);
  });
});
