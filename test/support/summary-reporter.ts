import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/** What the closing line counts. */
export interface SummaryCounts {
  passed: number;
  failed: number;
  skipped: number;
}

type Container = TestSuite | TestModule;

/** A container (suite or module) and every one above it: a failed beforeAll fails its suite, not its tests. */
function containers(test: TestCase): Container[] {
  const chain: Container[] = [];
  for (let at: Container = test.parent; ; at = at.parent) {
    chain.push(at);
    if (at.type === 'module') return chain;
  }
}

/**
 * A skipped test counts as failed when it was meant to run (not `.skip` or `.todo`) and a suite around it
 * failed: vitest marks the tests of a suite whose `beforeAll` throws as skipped.
 */
function countTest(test: TestCase, counts: SummaryCounts): 'failed' | 'other' {
  const state = test.result().state;
  if (state === 'passed') counts.passed++;
  else if (state === 'failed') counts.failed++;
  else if (test.options.mode === 'run' && containers(test).some((c) => c.state() === 'failed'))
    counts.failed++;
  else {
    counts.skipped++;
    return 'other';
  }
  return state === 'passed' ? 'other' : 'failed';
}

/**
 * Counts every test of the run, then one more failure for each failed module or suite that none of its tests
 * accounts for: a file that fails to import, an `afterAll` that throws after its tests passed.
 */
export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors = 0): SummaryCounts {
  const counts: SummaryCounts = { passed: 0, failed: 0, skipped: 0 };
  const explained = new Set<Container>();
  for (const mod of testModules) {
    for (const test of mod.children.allTests())
      if (countTest(test, counts) === 'failed') for (const c of containers(test)) explained.add(c);
    for (const container of [mod, ...mod.children.allSuites()])
      if (container.state() === 'failed' && !explained.has(container)) {
        counts.failed++;
        for (let at: Container = container; ; at = at.parent) {
          explained.add(at);
          if (at.type === 'module') break;
        }
      }
  }
  counts.failed += unhandledErrors;
  return counts;
}

/**
 * Prints the plain closing line `N passed, N failed, N skipped` that CI reads
 * (vitest's own summary is not one of the formats CI recognises). A suite that could not run counts as failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = summarize(testModules, unhandledErrors.length);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
