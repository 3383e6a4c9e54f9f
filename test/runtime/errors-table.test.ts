import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, LockstepError } from '../../runtime/errors.js';

const runtime = fileURLToPath(new URL('../../runtime', import.meta.url));
const BUILT_IN = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);

/** Every `new Error(…)` (or another built-in error) in a source text, by line. */
function bareErrors(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    const call = ts.isNewExpression(node) || ts.isCallExpression(node) ? node : null;
    if (call && ts.isIdentifier(call.expression) && BUILT_IN.has(call.expression.text)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      out.push(`${file}:${line} ${node.getText(source).slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function runtimeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return runtimeFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** runtime/errors.ts is the one error table of runtime/: every error there is a LockstepError with a code. */
describe('one error table across runtime/', () => {
  it('no runtime file but errors.ts builds a bare Error', () => {
    const files = runtimeFiles(runtime).filter((f) => relative(runtime, f) !== 'errors.ts');
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => bareErrors(relative(runtime, f), readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('catches a planted one, thrown, rejected or emitted', () => {
    const planted = [
      "throw new Error('channel closed');",
      "reject(new RangeError('page out of range'));",
      "node.emit('fatal', Error('digest mismatch'));",
    ];
    for (const code of planted) expect(bareErrors('planted.ts', code), code).toHaveLength(1);
    expect(bareErrors('clean.ts', "fail('channel-closed'); new LockstepError('left-precopy');")).toEqual([]);
  });

  it('every row renders a message that names what was wrong from its details', () => {
    for (const code of Object.keys(ERROR_MESSAGES) as Array<keyof typeof ERROR_MESSAGES>) {
      const details = { actual: 'A', expected: 'E', state: 'S', path: 'P', message: 'M', limit: 9, line: 3 };
      const error = new LockstepError(code, details);
      expect(error.code).toBe(code);
      expect(error.message.length, code).toBeGreaterThan(10);
      expect(error.message, code).not.toContain('undefined');
    }
  });
});
