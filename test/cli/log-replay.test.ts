import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type NodeState, QEMU_11_0 } from '../../machines/index.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import { waitFor } from '../../runtime/demo/wait.js';
import { foldNodeLog, type NodeRuntime } from '../../runtime/node/index.js';
import { tempDir } from '../support/temp-dir.js';
import { captureIo } from './io.js';

interface Live {
  readonly path: string;
  readonly timeline: readonly string[];
  readonly checkpoints: number;
  readonly stats: NodeRuntime['stats']['checkpoints'];
  /** The multifd machine (send or receive side) as value and context, when the node has one. */
  readonly multifd: unknown;
}

const machineOf = (state: NodeState) => {
  const snapshot = state.multifdSend ?? state.multifdRecv;
  return snapshot && { value: snapshot.value, context: snapshot.context };
};

/** A pair run as run-demo.ts runs it, to 3 checkpoints and a secondary failover; the live timelines kept. */
async function livePair(dir: string, multifd = 0): Promise<{ primary: Live; secondary: Live }> {
  const options = {
    profile: QEMU_11_0,
    ram: '16M',
    multifd,
    checkpoints: 3,
    failover: 'secondary',
    logDir: dir,
  } as const;
  const { primary, secondary } = await startPair({ ...options, checkpointDelayMs: 40 });
  await waitFor(primary, '3 checkpoints', () => primary.stats.checkpoints.length >= 3);
  primary.kill();
  await waitFor(secondary, 'COLO_EXIT', () => secondary.state.colo?.value === 'wait-incoming-event');
  await secondary.qmp('x-colo-lost-heartbeat');
  await waitFor(
    secondary,
    'failover',
    () => secondary.state.failover.value === 'completed' && !secondary.state.joiningColo,
  );
  secondary.kill();
  const live = (node: NodeRuntime, path: string): Live => ({
    path,
    timeline: [...node.timeline],
    checkpoints: node.state.checkpoints,
    stats: node.stats.checkpoints,
    multifd: machineOf(node.state),
  });
  const result = {
    primary: live(primary, join(dir, 'primary.jsonl')),
    secondary: live(secondary, join(dir, 'secondary.jsonl')),
  };
  await primary.close();
  await secondary.close();
  return result;
}

async function replay(path: string) {
  const io = captureIo();
  const code = await main(['log', 'replay', path, '--json'], io);
  return { code, io, result: code === 0 ? JSON.parse(io.out()) : undefined };
}

describe.each([0, 2])('lockstep log replay of a live run, multifd %i', (multifd) => {
  it('replaying a log gives exactly the states the live run reported', async () => {
    const live = await livePair(await tempDir('lockstep-replay-'), multifd);
    for (const role of ['primary', 'secondary'] as const) {
      const { code, result } = await replay(live[role].path);
      expect(code).toBe(0);
      expect(result.role).toBe(role);
      expect(result.profile).toBe('qemu-11.0');
      expect(result.timeline).toEqual(live[role].timeline);
      expect(result.final.checkpoints).toBe(live[role].checkpoints);
      expect(result.checkpoints).toEqual(live[role].stats);
      // the start line carries multifd and the fixes: the fold builds the same machines and ends where they did
      const folded = await foldNodeLog(live[role].path);
      expect(folded.state.config.multifd ?? 0).toBe(multifd);
      expect(machineOf(folded.state)).toEqual(live[role].multifd);
      if (multifd > 0) expect(live[role].multifd).not.toBeNull();
    }
    expect(live.secondary.timeline).toContain('status colo');
    expect(live.secondary.timeline).toContain('status completed');
  });
});

describe('lockstep log replay', () => {
  let pair: { primary: Live; secondary: Live };
  beforeAll(async () => {
    pair = await livePair(await tempDir('lockstep-replay-'));
  });

  it('prints the timeline as text without --json', async () => {
    const io = captureIo();
    expect(await main(['log', 'replay', pair.primary.path], io)).toBe(0);
    expect(io.out()).toMatch(/^primary qemu-11\.0 16M: \d+ events \(run [0-9a-f-]{36}\)\n/);
    expect(io.out()).toContain('  status colo\n');
  });

  it('a log cut mid-line replays up to its last whole event, with a warning', async () => {
    const text = await readFile(pair.secondary.path, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    const keep = Math.floor(lines.length / 2);
    const cut = join(await tempDir('lockstep-cut-'), 'cut.jsonl');
    await writeFile(cut, `${lines.slice(0, keep).join('\n')}\n${lines[keep]!.slice(0, 25)}`);
    const whole = join(await tempDir('lockstep-whole-'), 'whole.jsonl');
    await writeFile(whole, `${lines.slice(0, keep).join('\n')}\n`);
    const torn = await replay(cut);
    const clean = await replay(whole);
    expect(torn.code).toBe(0);
    expect(torn.io.err()).toMatch(
      /^lockstep: warning: .* line \d+ is torn .*replayed up to the last whole event\n$/,
    );
    expect(torn.result.events).toBe(keep - 1);
    expect(torn.result.timeline).toEqual(clean.result.timeline);
    expect(torn.result.final).toEqual(clean.result.final);
  });

  it('a file that is not a node log is one line naming the line, exit 2', async () => {
    const path = join(await tempDir('lockstep-bad-'), 'x.jsonl');
    await writeFile(path, '{"seq":1,"ts":0,"type":"qmp","data":{}}\n');
    const { code, io } = await replay(path);
    expect(code).toBe(2);
    expect(io.err()).toMatch(
      /^lockstep: event log .*x\.jsonl line 1 at byte 0 is corrupt: no "len" and "crc" trailer.*\n$/,
    );
  });

  it('a missing file or a folder is one line, exit 2', async () => {
    const dir = await tempDir('lockstep-bad-');
    for (const path of [join(dir, 'missing.jsonl'), dir]) {
      const { code, io } = await replay(path);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/^lockstep: event log .*: (does not exist|is a folder, not a file)\n$/);
    }
  });
});
