/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP] [WINDOWS.json]`: the functions with the most
 * self time in a V8 CPU profile (`node --cpu-prof`), as a table on stdout (milliseconds, share of the
 * sampled time, the function and where it is). With a windows file (bench/profile-windows.ts) only the
 * samples inside those spans count: the checkpoints' pauses. It is how docs/perf/ summarises a profile.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
}

const [file, top = '25', windowsFile] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
const windows = windowsFile
  ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Array<[number, number]>)
  : null;
const inside = (at: number) => !windows || windows.some(([from, to]) => at >= from && at <= to);
let total = 0;
let at = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  at += profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  const us = profile.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next one
  if (!node || !inside(at)) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
const span = windows ? ` inside ${windows.length} windows` : '';
console.log(`${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled${span}`);
for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
  console.log(
    `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`,
  );
