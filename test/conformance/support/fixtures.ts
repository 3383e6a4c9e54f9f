import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text of a QMP log fixture in test/conformance/fixtures. */
export const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
