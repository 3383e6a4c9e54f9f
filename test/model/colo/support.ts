import { type ColoModelOptions, checker, createColoModel, nodeOf } from '../../../model/index.js';

export { nodeOf };

/** Runs BFS on the composed model; returns the report with violations by property name. */
export function check(options: ColoModelOptions, maxDepth?: number) {
  const model = createColoModel(options);
  const builder = checker(model);
  if (maxDepth !== undefined) builder.targetMaxDepth(maxDepth);
  const report = builder.spawnBfs();
  const byName = new Map(report.violations.map((v) => [v.property, v]));
  const labels = (name: string) =>
    byName.get(name)?.trace?.actions.map((a) => model.describeAction(a)) ?? null;
  return { model, report, byName, labels };
}
