import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../../machines/index.js';
import { warmUp } from '../../../runtime/node/warm-up.js';

// the scratch pair must still get through its checkpoints, or it warms only the bring-up; a QEMU without
// COLO over multifd (7.2) fails the first one, in the scratch pair as in the runtime and the checker
describe('warming the machines before the first checkpoint', () => {
  it.each(Object.values(PROFILES).flatMap((profile) => [0, 2].map((multifd) => ({ profile, multifd }))))(
    '$profile.name, multifd $multifd: the scratch pair completes both checkpoints, or none without COLO multifd',
    ({ profile, multifd }) => {
      const checkpoints = multifd > 0 && !profile.coloMultifd ? 0 : 2;
      expect(warmUp({ role: 'primary', profile, ...(multifd ? { multifd } : {}) })).toEqual({ checkpoints });
    },
  );
});
