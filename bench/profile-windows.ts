/**
 * BENCH_PROFILE_WINDOWS=DIR: each process of a pause run writes the spans of its checkpoints' pauses
 * there, on the clock of V8's CPU profiles (CLOCK_MONOTONIC in µs), so `profile-summary.ts --windows`
 * can count only the samples taken inside a pause.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointPhases } from '../runtime/node/index.js';

/** Writes `records`' spans to DIR/windows-<pid>-<role>.json when BENCH_PROFILE_WINDOWS is set. */
export function writeProfileWindows(records: readonly CheckpointPhases[]): void {
  const dir = process.env.BENCH_PROFILE_WINDOWS;
  if (!dir || records.length === 0) return;
  // performance.now() to CLOCK_MONOTONIC (process.hrtime), both read now
  const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  const spans = records.map((r) => [(r.from + offsetMs) * 1000, (r.to + offsetMs) * 1000]);
  writeFileSync(join(dir, `windows-${process.pid}-${records[0]!.role}.json`), JSON.stringify(spans));
}
