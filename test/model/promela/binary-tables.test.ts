import { describe, expect, it } from 'vitest';
import { createColoModel } from '../../../model/colo/index.js';
import { checker } from '../../../model/engine/index.js';
import { effectCode } from '../../../model/promela/codes.js';
import { exportPromela } from '../../../model/promela/index.js';
import { channelCode, FACTS, type TablesArray, tablesBinary } from '../../../model/promela/tables.js';

const BYTES = { int: 4, 'unsigned char': 1 } as const;

/** The elements of one array of the binary, read as C reads them (little-endian ints). */
function read(data: Uint8Array, array: TablesArray): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Array.from({ length: array.length }, (_, i) =>
    array.type === 'int' ? view.getInt32(array.offset + 4 * i, true) : view.getUint8(array.offset + i),
  );
}

// The tables go to Spin as one binary that the header's #defines index: every array must lie where the
// layout says, hold exactly what the compiled node tables hold, and be aligned for its element type.
describe('the tables binary', () => {
  // multifd 1: channel states too; one link break, so the search is quick and the tables have effects
  const model = createColoModel({ multifd: 1, faultKinds: ['link-break'] });
  checker(model).spawnBfs();
  const inputs = model.composition.inputs.all;
  const { primary, secondary } = model.composition.tables;
  const { data, layout } = tablesBinary(
    [
      ['P', primary],
      ['S', secondary],
    ],
    inputs,
    model.channels,
  );
  const array = (name: string): TablesArray => {
    const found = layout.find((a) => a.name === name);
    if (!found) throw new Error(`no ${name} in the layout`);
    return found;
  };

  it('lays the arrays out in order, 8-aligned, without overlap, within the binary', () => {
    expect(layout.map((a) => a.name)).toEqual([
      ...['P', 'S'].flatMap((x) => [
        `${x}_NEXT`,
        `${x}_AT`,
        ...FACTS.map(([name]) => `${x}_${name.toUpperCase()}`),
        `${x}_CH`,
      ]),
      'EFFECTS',
    ]);
    layout.forEach((a, k) => {
      expect(a.offset % 8).toBe(0);
      const end = a.offset + a.length * BYTES[a.type];
      expect(end).toBeLessThanOrEqual(layout[k + 1]?.offset ?? data.length);
    });
    expect(data.length % 8).toBe(0);
  });

  for (const [prefix, table] of [
    ['P', primary],
    ['S', secondary],
  ] as const) {
    it(`holds the ${prefix === 'P' ? "primary's" : "secondary's"} next entries, effect lists and facts`, () => {
      const { entries } = table;
      expect(entries.length).toBeGreaterThan(1);
      const next = read(data, array(`${prefix}_NEXT`));
      const at = read(data, array(`${prefix}_AT`));
      const effects = read(data, array('EFFECTS'));
      expect(next).toHaveLength(entries.length * inputs.length);
      expect(at).toHaveLength(entries.length * inputs.length);
      let compiled = 0;
      entries.forEach((entry, e) => {
        inputs.forEach((input, i) => {
          const step = entry.steps.get(input);
          const k = e * inputs.length + i;
          expect(next[k]).toBe(step ? step.next.id : -1);
          // the list at AT, up to its terminating 0, is the step's effect codes
          const end = effects.indexOf(0, at[k]);
          const codes = step ? step.effects.map(effectCode).filter((c) => c !== null) : [];
          expect(effects.slice(at[k], end)).toEqual(codes);
          if (step) compiled++;
        });
      });
      expect(compiled).toBeGreaterThan(0);
      for (const [name, of] of FACTS)
        expect(read(data, array(`${prefix}_${name.toUpperCase()}`))).toEqual(entries.map((e) => of(e.facts)));
      expect(read(data, array(`${prefix}_CH`))).toEqual(
        entries.flatMap((e) => Array.from({ length: model.channels }, (_, c) => channelCode(e.facts, c))),
      );
      expect(read(data, array(`${prefix}_CH`)).some((c) => c !== 0)).toBe(true);
    });
  }

  it('is laid out the same in the export, whose header names each array at its offset', () => {
    const exported = exportPromela({ multifd: 1, faultKinds: ['link-break'] });
    expect(exported.tablesDataFile).toBe('colo-tables.bin');
    expect(exported.tables).toContain('.incbin \\"colo-tables.bin\\"');
    const ni = Number(/#define NI (\d+)/.exec(exported.text)![1]);
    // the export's glue adds input columns of its own, so its binary is laid out like this one, not equal
    expect(exported.tablesLayout.map((a) => a.name)).toEqual(layout.map((a) => a.name));
    const last = exported.tablesLayout.at(-1)!;
    expect(exported.tablesData.length).toBe(Math.ceil((last.offset + last.length) / 8) * 8);
    for (const a of exported.tablesLayout) {
      expect(exported.tables).toContain(
        `#define ${a.name} ((const ${a.type} *)(lockstep_tables + ${a.offset}))`,
      );
      const entries = a.name.startsWith('P_') ? exported.entries.primary : exported.entries.secondary;
      if (!/^[PS]_(NEXT|AT)$/.test(a.name)) continue;
      expect(a.length).toBe(entries * ni);
      if (a.name.endsWith('_NEXT'))
        for (const next of read(exported.tablesData, a)) expect(next >= -1 && next < entries).toBe(true);
    }
  });
});
