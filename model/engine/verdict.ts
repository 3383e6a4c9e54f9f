import type { Discovery, DiscoveryKind, Model, Report, Trace } from './types.js';

/**
 * What a run may claim about one property. `holds` is proven: a complete search found no counterexample,
 * or a sometimes-property's example was reached. `violated` is proven by its trace (or, for a
 * sometimes-property, by a complete search that never reached it). `not-found` is all an incomplete
 * search (a depth, state or time limit, a simulation) can say when it met no counterexample.
 */
export type Verdict = 'holds' | 'violated' | 'not-found';

/** One property's verdict, as much as the run showed. */
export interface PropertyVerdict<S, A> {
  /** The property's name (`deadlock` for the built-in deadlock check). */
  readonly property: string;
  /** Which kind of property it is. */
  readonly kind: DiscoveryKind;
  /** What was shown. */
  readonly verdict: Verdict;
  /** True when the verdict is final; false for `not-found`, which a fuller search could turn over. */
  readonly complete: boolean;
  /** The counterexample, or a sometimes-property's example; null when there is none. */
  readonly trace: Trace<S, A> | null;
}

const KIND = { always: 'safety', sometimes: 'sometimes', eventually: 'liveness' } as const;

/**
 * Each property's verdict from a report, never claiming more than was searched: with
 * `report.complete === false`, a property without a counterexample is `not-found`, not `holds`.
 * `deadlock` is included unless the run was told `noDeadlock()` (pass `deadlock: false`).
 * @example
 * ```ts
 * const report = checker(model).targetMaxDepth(20).spawnBfs();
 * for (const v of verdicts(model, report)) console.log(v.property, v.verdict);
 * ```
 */
export function verdicts<S, A>(
  model: Model<S, A>,
  report: Report<S, A>,
  deadlock = true,
): PropertyVerdict<S, A>[] {
  const found = new Map<string, Discovery<S, A>>(report.discoveries.map((d) => [d.property, d]));
  const props: { property: string; kind: DiscoveryKind }[] = [
    ...(deadlock ? [{ property: 'deadlock', kind: 'deadlock' as const }] : []),
    ...model.properties().map((p) => ({ property: p.name, kind: KIND[p.kind] })),
  ];
  return props.map(({ property, kind }) => {
    const d = found.get(property);
    if (d) {
      const verdict = d.violation ? 'violated' : 'holds';
      return { property, kind, verdict, complete: true, trace: d.trace };
    }
    if (report.complete) return { property, kind, verdict: 'holds', complete: true, trace: null };
    return { property, kind, verdict: 'not-found', complete: false, trace: null };
  });
}
