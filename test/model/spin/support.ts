import { spinAvailable } from '../../../model/spin/index.js';

/** CI installs spin and gcc (.ci/run); without them these tests fail loudly instead of skipping. */
export async function requireSpin(): Promise<void> {
  if (!(await spinAvailable()))
    throw new Error('spin and gcc are needed for the Spin cross-check: apt-get install -y spin gcc');
}
