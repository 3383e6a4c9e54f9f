/**
 * `lockstep replay TRACE`: a checker counterexample run on the runtime. Both processes are brought up
 * over real sockets, then each trace step is forced (the deterministic scheduler takes exactly that
 * step), each side's node is compared with the model's after the step, and at the end the runtime's own
 * outcome (hang, released-cache access, closed-file access, digest mismatch) is set against the one
 * the trace's property predicts.
 * @packageDocumentation
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type NodeRole, PROFILES } from '../machines/index.js';
import { describeColoAction } from '../model/index.js';
import { bringUp, closeWorld, openWorld } from './bring-up.js';
import { diffNodes } from './compare.js';
import type { RuntimeFinding, RuntimeOutcome } from './findings.js';
import { hangDetail, probeMainLoop } from './hang.js';
import { expectedStates, type SideStates, traceFixes } from './oracle.js';
import { expectedOutcome, failoverStall, splitBrain, takeoverMismatch } from './outcome.js';
import { performStep } from './perform.js';
import { type CounterexampleTrace, readTrace } from './trace-file.js';
import type { World } from './world.js';

/** Where the runtime first parted from the trace. @public */
export interface Divergence {
  /** The trace step (1-based; 0 is the bring-up). */
  readonly step: number;
  /** The step as the message sequence chart names it. */
  readonly action: string;
  /** The side whose node differs (null when the step itself could not be taken). */
  readonly side: NodeRole | null;
  /** The node field that differs, or `step`. */
  readonly field: string;
  /** What the model has (or, for `step`, what it does). */
  readonly expected: string;
  /** What the runtime has (or why it could not take the step). */
  readonly actual: string;
}

/** What a replay found. @public */
export interface ReplayReport {
  /** The trace file. */
  readonly trace: string;
  /** The property the trace violates (or the finding it shows). */
  readonly property: string;
  /** Steps in the trace. */
  readonly steps: number;
  /** Steps the runtime took before it stopped (all of them unless a step was refused). */
  readonly replayed: number;
  /** Every step was taken and every node equalled the model's after it. */
  readonly matched: boolean;
  /** The first step where the runtime parted from the trace, when it did. */
  readonly divergence?: Divergence;
  /** The first thing the runtime showed (`none` if nothing). */
  readonly runtimeOutcome: RuntimeOutcome;
  /** Where and how it showed it. */
  readonly detail: string;
  /** The outcome the trace's property predicts. */
  readonly expectedOutcome: RuntimeOutcome;
  /** The runtime showed the predicted outcome. */
  readonly sameOutcome: boolean;
  /** Everything the runtime showed, in order. */
  readonly findings: readonly RuntimeFinding[];
  /** The two nodes' event logs. */
  readonly logs: readonly string[];
}

/** Options of {@link replayTrace}. @public */
export interface ReplayOptions {
  /** Where the two event logs go (created if missing). */
  readonly logDir: string;
  /** Guest RAM in 4 KiB pages per node (default 1024: 4 MiB). */
  readonly pages?: number;
  /**
   * Flip one byte of each checkpoint's pages as the secondary stores them (a transport or page-index
   * bug the model does not know), to see the digest checks fire. Off by default.
   */
  readonly corruptPages?: boolean;
}

/** Reads a trace file and replays it. @throws LockstepError `trace-unreadable`, `trace-malformed`. @public */
export async function replayFile(path: string, options: ReplayOptions): Promise<ReplayReport> {
  return replayTrace(await readTrace(path), options);
}

/** Replays a checked trace on two runtime nodes. @public */
export async function replayTrace(trace: CounterexampleTrace, options: ReplayOptions): Promise<ReplayReport> {
  const expected = expectedStates(trace.options, trace.steps);
  const multifd = trace.options.multifd ?? 0;
  await mkdir(options.logDir, { recursive: true });
  // a log continues an existing file: a new replay starts both logs afresh
  await Promise.all(
    ['primary', 'secondary'].map((role) => rm(join(options.logDir, `${role}.log`), { force: true })),
  );
  const world = await openWorld(
    {
      profile: PROFILES[trace.options.profile ?? 'qemu-11.0'],
      fixes: traceFixes(trace.options),
      ...(multifd > 0 ? { multifd } : {}),
    },
    options.logDir,
    options.pages ?? 1024,
    options.corruptPages === true,
  );
  try {
    await bringUp(world);
    let divergence = compare(world, 0, 'bring-up', expected.initial);
    let replayed = 0;
    for (const [i, action] of trace.steps.entries()) {
      if (divergence) break;
      world.findings.step = i + 1;
      const model = expected.after[i] ?? null;
      const refused = await performStep(world, action);
      const at = { step: i + 1, action: describeColoAction(action), side: null, field: 'step' };
      if (refused)
        divergence = {
          ...at,
          expected: model ? 'the step (the model takes it)' : 'nothing (the model refuses it too)',
          actual: refused,
        };
      else if (!model)
        divergence = { ...at, expected: 'no such step: the model refuses it', actual: 'the runtime took it' };
      else divergence = compare(world, i + 1, describeColoAction(action), model);
      if (!refused) replayed++;
    }
    // awaited here, so the finally below closes the world only after the end checks ran on it
    return await conclude(world, trace, replayed, divergence);
  } finally {
    await closeWorld(world);
  }
}

function compare(world: World, step: number, action: string, model: SideStates): Divergence | undefined {
  for (const side of ['primary', 'secondary'] as const) {
    const [first] = diffNodes(model[side], world.node(side).state);
    if (first) return { step, action, side, ...first };
  }
  return undefined;
}

async function conclude(
  world: World,
  trace: CounterexampleTrace,
  replayed: number,
  divergence: Divergence | undefined,
): Promise<ReplayReport> {
  const { findings } = world;
  findings.step = replayed + 1;
  const hang = hangDetail(world);
  if (hang) findings.add('hang', hang.side, `${hang.detail}; ${probeMainLoop(world, hang.side)}`);
  const stall = findings.list.length === 0 ? await failoverStall(world) : null;
  if (stall) findings.add('hang', stall.side, stall.detail);
  const mismatch = takeoverMismatch(world);
  if (mismatch) findings.add('digest-mismatch', 'secondary', mismatch);
  const both = splitBrain(world);
  if (both) findings.add('split-brain', 'secondary', both);
  const first = findings.list[0];
  const runtimeOutcome = first?.outcome ?? 'none';
  const wanted = expectedOutcome(trace.property);
  return {
    trace: trace.path,
    property: trace.property,
    steps: trace.steps.length,
    replayed,
    matched: divergence === undefined,
    ...(divergence ? { divergence } : {}),
    runtimeOutcome,
    detail: first
      ? `step ${first.step}, ${first.side}: ${first.detail}`
      : 'the runtime ran the trace without a failure',
    expectedOutcome: wanted,
    sameOutcome: runtimeOutcome === wanted,
    findings: [...findings.list],
    logs: [world.primary.logPath, world.secondary.logPath],
  };
}
