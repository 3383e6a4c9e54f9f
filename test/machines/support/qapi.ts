/**
 * The QAPI MigrationStatus enums, written by hand from the sources (not read from machines/), so the
 * tests compare the machines against something independent of them.
 */

/** QEMU 7.2 qapi/migration.json MigrationStatus (docs/qemu-7.2.md: 14 values, no postcopy-device,
 * postcopy-recover-setup or failing), in QAPI order. */
export const QAPI_7_2 = [
  'none',
  'setup',
  'cancelling',
  'cancelled',
  'active',
  'postcopy-active',
  'postcopy-paused',
  'postcopy-recover',
  'completed',
  'failed',
  'colo',
  'pre-switchover',
  'device',
  'wait-unplug',
] as const;

/** Upstream qapi/migration.json MigrationStatus (reference §1) with `failing` inserted before `failed`
 * by the FAILING patch d1ab9655fd: 17 values, in QAPI order. */
export const QAPI_11_0 = [
  'none',
  'setup',
  'cancelling',
  'cancelled',
  'active',
  'postcopy-device',
  'postcopy-active',
  'postcopy-paused',
  'postcopy-recover-setup',
  'postcopy-recover',
  'completed',
  'failing',
  'failed',
  'colo',
  'pre-switchover',
  'device',
  'wait-unplug',
] as const;

/** The enum of each profile, by profile name. */
export const QAPI_BY_PROFILE: Readonly<Record<'qemu-7.2' | 'qemu-11.0', readonly string[]>> = {
  'qemu-7.2': QAPI_7_2,
  'qemu-11.0': QAPI_11_0,
};

/** A `from -> to` pair as the table tests write it. */
export type Pair = readonly [from: string, to: string];

/** Renders pairs as sorted `from -> to` strings. */
export const pairStrings = (pairs: Iterable<Pair>): string[] =>
  [...new Set([...pairs].map(([from, to]) => `${from} -> ${to}`))].sort();

/** Compares two sets of pair strings: what `actual` has beyond `expected`, and what it lacks. */
export function diffPairs(actual: readonly string[], expected: readonly string[]) {
  return {
    added: actual.filter((pair) => !expected.includes(pair)),
    missing: expected.filter((pair) => !actual.includes(pair)),
  };
}
