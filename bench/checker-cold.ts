/**
 * One lockstep search in a process of its own, as `lockstep check` runs it: the machines' transition
 * memo and the JIT start cold, so nothing an earlier measurement compiled is reused. Forked by
 * bench/checker.ts with the model options as its argument, then `por` for the search with partial-order
 * reduction and `seconds=N` for a time limit; prints one JSON object. Peak RSS and CPU seconds come from
 * the process (RSS includes the BFS queue, which the report's bytes/state leaves out; CPU seconds are
 * what a loaded machine does not distort).
 */
import { type ColoModelOptions, checker, createColoModel } from '../model/index.js';

const [json, ...flags] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as ColoModelOptions;
const model = createColoModel(options);
const builder = checker(model);
if (flags.includes('por')) builder.partialOrder();
const limit = flags.find((f) => f.startsWith('seconds='));
if (limit) builder.timeout(Number(limit.slice('seconds='.length)) * 1000);
const report = builder.spawnBfs();
const { primary, secondary } = model.composition.tables;
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    states: report.states,
    complete: report.complete,
    maxDepth: report.maxDepth,
    seconds: report.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    compileSeconds: primary.compileSeconds + secondary.compileSeconds,
    bytesPerState: report.bytesPerState,
    rssBytes: process.memoryUsage().rss,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
