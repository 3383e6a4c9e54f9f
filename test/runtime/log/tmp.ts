import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh log path in its own temp dir, removed after the test. */
export async function tempLog(name = 'node.jsonl'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-log-'));
  dirs.push(dir);
  return join(dir, name);
}
