/**
 * What a failed assertion of the generated machinery means (model/promela/glue.ts), or null for a
 * property's assertion: an uncompiled transition, a link queue over capacity or an effect the glue cannot
 * book stops pan whatever property it checks, so it is reported as a problem of the export, not a verdict.
 * @internal
 */
export function machinery(assertion: string | null): string | null {
  if (assertion === null) return null;
  if (assertion.includes('tNext>=0')) return `a node transition the export never compiled ${assertion}`;
  if (/<8\)/.test(assertion)) return `a link queue over its capacity ${assertion}`;
  if (/tE[01]<0/.test(assertion)) return `an effect the glue cannot book ${assertion}`;
  return null;
}
