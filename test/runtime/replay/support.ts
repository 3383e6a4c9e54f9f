import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ColoModelOptions, checker, createColoModel, nodeOf } from '../../../model/index.js';

/** A fresh temporary directory for one test's traces and logs. */
export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'lockstep-replay-'));

/**
 * Runs the checker in-process and saves the shortest counterexample of `property` as `lockstep check`
 * does ({options, property, kind, steps:[{action, primary, secondary}]}). Returns the file's path.
 */
export async function saveTrace(dir: string, options: ColoModelOptions, property: string): Promise<string> {
  const report = checker(createColoModel(options)).spawnBfs();
  const violation = report.violations.find((v) => v.property === property);
  if (!violation?.trace)
    throw new Error(`the checker found no ${property} trace for ${JSON.stringify(options)}`);
  const colo = (st: (typeof violation.trace.states)[number], side: 'primary' | 'secondary') => {
    const node = nodeOf(st, side);
    return node.colo ? String(node.colo.value) : null;
  };
  const steps = violation.trace.actions.map((action, i) => ({
    action,
    primary: colo(violation.trace!.states[i + 1]!, 'primary'),
    secondary: colo(violation.trace!.states[i + 1]!, 'secondary'),
  }));
  const path = join(dir, `${property}.json`);
  await writeFile(path, JSON.stringify({ options, property, kind: violation.kind, steps }, null, 2));
  return path;
}
