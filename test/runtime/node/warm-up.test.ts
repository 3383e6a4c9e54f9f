import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../machines/index.js';
import { warmUp } from '../../../runtime/node/warm-up.js';

// the scratch pair must still get through its checkpoints, or it warms only the bring-up
describe('warming the machines before the first checkpoint', () => {
  it.each(Object.values(PROFILES).flatMap((profile) => [0, 2].map((multifd) => ({ profile, multifd }))))(
    '$profile.name, multifd $multifd: the scratch pair completes both checkpoints',
    ({ profile, multifd }) => {
      expect(warmUp({ role: 'primary', profile, ...(multifd ? { multifd } : {}) })).toEqual({
        checkpoints: 2,
      });
    },
  );
});
