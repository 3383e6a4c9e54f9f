/**
 * One lockstep search in a process of its own, as `lockstep check` runs it: the machines' transition
 * memo and the JIT start cold, so nothing an earlier measurement compiled is reused. Forked by
 * bench/checker.ts with the model options as its argument (and `por` after them for the search with
 * partial-order reduction); prints one JSON object.
 */
import { type ColoModelOptions, checker, createColoModel } from '../model/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as ColoModelOptions;
const model = createColoModel(options);
const builder = checker(model);
if (process.argv[3] === 'por') builder.partialOrder();
const report = builder.spawnBfs();
const { primary, secondary } = model.composition.tables;
console.log(
  JSON.stringify({
    states: report.states,
    seconds: report.seconds,
    compileSeconds: primary.compileSeconds + secondary.compileSeconds,
    bytesPerState: report.bytesPerState,
    rssBytes: process.memoryUsage().rss,
  }),
);
