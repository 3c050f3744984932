import { randomBytes } from 'node:crypto';
import { sweepContainers } from './container-sweep.js';

/**
 * vitest global setup: one run id for every worker of this test run (the label its containers carry), and at
 * the end of the run, passing or failing, the removal of whatever containers the run left behind.
 */
function setup(): () => Promise<void> {
  process.env.ROTATION_TEST_RUN_ID ??= `${process.pid}-${randomBytes(4).toString('hex')}`;
  const run = process.env.ROTATION_TEST_RUN_ID;
  return async () => {
    await sweepContainers(run);
  };
}

export { setup };
