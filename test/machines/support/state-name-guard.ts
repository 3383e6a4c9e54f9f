import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { PROFILE_NAMES } from '../../../machines/index.js';

/** One place where code outside machines/ decides on a machine's state name or a profile's name. */
export interface StateNameUse {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** The NodeState fields that hold machine snapshots. */
const SNAPSHOT_FIELDS = new Set(['source', 'incoming', 'failover', 'colo', 'multifdSend', 'multifdRecv']);
/** machines/ functions whose result is a state name, for display only. */
const STATE_NAME_QUERIES = new Set([
  'channelState',
  'describeThreads',
  'migrationStatus',
  'failoverStatus',
  'region',
]);
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function unwrap(node: ts.Expression): ts.Expression {
  let e = node;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e))
      e = e.expression;
    else if (
      ts.isCallExpression(e) &&
      ts.isIdentifier(e.expression) &&
      e.expression.text === 'String' &&
      e.arguments.length === 1
    )
      e = e.arguments[0]!;
    else return e;
  }
}

const lastName = (e: ts.Expression): string | null => {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return u.text;
  if (ts.isPropertyAccessExpression(u)) return u.name.text;
  return null;
};

/** The expression is (part of) a machine state name: a snapshot's `value`, or a state-name query's result. */
function isStateName(node: ts.Expression): boolean {
  const e = unwrap(node);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const inner = e.expression;
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'value') {
      const owner = lastName(inner);
      if (owner !== null && SNAPSHOT_FIELDS.has(owner)) return true;
    }
    return isStateName(inner);
  }
  if (ts.isCallExpression(e)) {
    const callee = lastName(e.expression);
    return callee !== null && STATE_NAME_QUERIES.has(callee);
  }
  return false;
}

const isStringLiteral = (e: ts.Expression): e is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral => {
  const u = unwrap(e);
  return ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u);
};

/** `profile.name`, `options.profile.name`, `config.profile.name` … */
const isProfileName = (e: ts.Expression): boolean => {
  const u = unwrap(e);
  return (
    ts.isPropertyAccessExpression(u) &&
    u.name.text === 'name' &&
    /profile/i.test(lastName(u.expression) ?? '')
  );
};

const isProfileLiteral = (e: ts.Expression): boolean =>
  isStringLiteral(e) && (PROFILE_NAMES as readonly string[]).includes((unwrap(e) as ts.StringLiteral).text);

/** Finds every state-name or profile-name decision in one source text. */
export function stateNameUses(file: string, text: string): StateNameUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: StateNameUse[] = [];
  const report = (node: ts.Node, why: string) =>
    out.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      text: node.getText(source).slice(0, 120),
      why,
    });
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      const { left, right } = node;
      if ((isStateName(left) && isStringLiteral(right)) || (isStateName(right) && isStringLiteral(left)))
        report(node, 'compares a machine state name with a literal');
      else if (
        isProfileName(left) ||
        isProfileName(right) ||
        isProfileLiteral(left) ||
        isProfileLiteral(right)
      )
        report(node, "compares a profile's name");
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [arg] = node.arguments;
      if ((method === 'includes' || method === 'has') && arg !== undefined) {
        if (isStateName(arg)) report(node, 'looks a machine state name up in a hand-written list');
        if (isProfileName(arg)) report(node, "looks a profile's name up in a list");
      }
    } else if (ts.isSwitchStatement(node)) {
      if (isStateName(node.expression)) report(node.expression, 'switches on a machine state name');
      if (isProfileName(node.expression)) report(node.expression, "switches on a profile's name");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Folders whose code may speak in state names: the machines themselves, tests, generated and vendored code. */
const EXEMPT = new Set(['machines', 'test', 'node_modules', 'dist', 'docs', '.git', 'coverage']);

/** Every .ts file of the project outside machines/ and test/. */
export function projectFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(dir === root && EXEMPT.has(entry.name)) && entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(root);
  return out;
}

/** The uses in every project file outside machines/ and test/, with paths relative to `root`. */
export function projectStateNameUses(root: string): StateNameUse[] {
  return projectFiles(root).flatMap((path) =>
    stateNameUses(relative(root, path), readFileSync(path, 'utf8')),
  );
}
