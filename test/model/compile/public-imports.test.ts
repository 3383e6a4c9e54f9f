import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every `from '…machines…'` specifier in model/compile's sources, by file. */
async function machineImports(): Promise<Array<[string, string]>> {
  const dir = 'model/compile';
  const out: Array<[string, string]> = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
    const source = await readFile(join(dir, file), 'utf8');
    for (const m of source.matchAll(/from '([^']*machines[^']*)'/g)) out.push([file, m[1]!]);
  }
  return out;
}

describe("the checker's compile step reads the machines through their public index", () => {
  it('imports nothing from machines/ but machines/index.js (no @internal module)', async () => {
    const imports = await machineImports();
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(([, from]) => from !== '../../machines/index.js')).toEqual([]);
  });
});
