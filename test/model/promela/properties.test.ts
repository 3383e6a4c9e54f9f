import { describe, expect, it } from 'vitest';
import { COLO_PROPERTIES, PROMELA_PROPERTIES } from '../../../model/index.js';

// The Promela export asserts the safety properties by hand-written expressions; none may be forgotten.
describe('the Promela export covers the checker', () => {
  it('every safety property of the composed system, and deadlock', () => {
    const safety = COLO_PROPERTIES.filter((p) => p.kind === 'safety').map((p) => p.name);
    expect([...PROMELA_PROPERTIES].sort()).toEqual(['deadlock', ...safety].sort());
  });
});
