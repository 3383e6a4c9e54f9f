import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';
import { run } from './run.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await tempDir('lockstep-bad-paths-');
  file = join(dir, 'regular.txt');
  await writeFile(file, 'not a socket, not a folder\n');
});

/** Each case: argv (with DIR and FILE standing for a folder and a regular file) and what the line must say. */
const CASES: ReadonlyArray<readonly [string[], RegExp]> = [
  [['demo', '--multifd', '17'], /--multifd must be an integer from 0 to 16, got "17"/],
  [['primary', '--qmp', 'DIR/p.sock', '--multifd', '99'], /--multifd must be an integer from 0 to 16/],
  [['demo', '--log-dir', '/proc/lockstep-x'], /--log-dir \/proc\/lockstep-x: .*\/proc filesystem/],
  [['demo', '--log-dir', 'FILE'], /--log-dir .*regular\.txt: is a regular file; give a folder/],
  [['demo', '--log-dir', 'FILE/sub'], /regular\.txt is a regular file, not a folder/],
  [['replay', 'FILE', '--log-dir', '/proc/lockstep-x'], /--log-dir \/proc\/lockstep-x: .*\/proc filesystem/],
  [['replay', 'DIR'], /counterexample trace .*: is a folder, not a file/],
  [['replay', 'DIR/absent.json'], /counterexample trace .*absent\.json: does not exist/],
  [['check', '--trace-out', '/proc/lockstep-x'], /--trace-out \/proc\/lockstep-x: .*\/proc filesystem/],
  [['check', '--trace-out', 'FILE'], /--trace-out .*: is a regular file; give a folder/],
  [['check', '--trace-out', 'DIR/deadlock.json'], /--trace-out .*: give a folder; each counterexample/],
  [['chart', 'failover', '--out', '/proc/lockstep-x'], /--out \/proc\/lockstep-x: .*\/proc filesystem/],
  [['chart', 'failover', '--out', 'DIR'], /--out .*: is a folder; give a file name/],
  [['chart', 'all', '--out', '/proc/lockstep-x'], /--out \/proc\/lockstep-x: .*\/proc filesystem/],
  [['chart', 'all', '--out', 'FILE'], /--out .*: is a regular file; give a folder/],
  [
    ['export', 'promela', '--swarm', '1', '--trace-out', 'DIR/deadlock.json'],
    /--trace-out .*: give a folder; each counterexample/,
  ],
  [
    ['export', 'promela', '--out', '/proc/lockstep-x.pml'],
    /--out \/proc\/lockstep-x\.pml: .*\/proc filesystem/,
  ],
  [['secondary', '--listen', '127.0.0.1:0', '--qmp', 'FILE'], /--qmp .*: is a regular file, not a socket/],
  [
    ['primary', '--qmp', '/missing/dir/x.sock'],
    /--qmp \/missing\/dir\/x\.sock: the folder \/missing\/dir does not exist/,
  ],
  [['primary', '--qmp', 'DIR/p.sock', '--log', 'DIR'], /--log .*: is a folder; give a file name/],
  [['log', 'replay', 'DIR'], /event log .*: is a folder, not a file/],
  [['log', 'replay', 'DIR/absent.jsonl'], /event log .*absent\.jsonl: does not exist/],
  [['trace', 'check', 'DIR'], /QMP log .*: is a folder, not a file/],
  [['trace', 'attach', '--qmp', 'FILE'], /--qmp .*: is a regular file, not a socket/],
  [['trace', 'attach', '--qmp', 'DIR/absent.sock'], /--qmp .*absent\.sock: no socket there/],
  [
    ['trace', 'attach', '--qmp', '127.0.0.1:1'],
    /--qmp 127\.0\.0\.1:1: cannot attach \(nothing listens there/,
  ],
];

describe('an unusable path or a bad number is one line and exit 2', () => {
  it.each(CASES)('lockstep %j', async (argv, message) => {
    const args = argv.map((a) => a.replace('FILE', file).replace('DIR', dir));
    const result = await run(...args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^lockstep: [^\n]+\n$/);
    expect(result.stderr).not.toMatch(/\b(ENOENT|EISDIR|EEXIST|EACCES|ENOTDIR)\b|\n\s+at /);
    expect(result.code).toBe(2);
  });
});
