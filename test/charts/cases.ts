import type { MachineName, ProfileName } from '../../machines/index.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';

/** Every machine under every profile, as `[machine, profile]` rows for `it.each`. */
export const CASES: [MachineName, ProfileName][] = MACHINE_NAMES.flatMap((machine) =>
  PROFILE_NAMES.map((profile): [MachineName, ProfileName] => [machine, profile]),
);
