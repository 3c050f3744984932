/** The smallest memory setting Lambda offers, and the one the emulator runs zips with by default. */
const LAMBDA_MIN_MEMORY_MB = 128;

/**
 * The `node` options Lambda's nodejs bootstrap (`/var/runtime/bootstrap`) starts the runtime with for a
 * function of `memoryMb`: a tenth of the memory is the young generation, half of that each semi-space, and
 * the rest the old generation (integer shell arithmetic). For 128 MB: `--max-semi-space-size=6` and
 * `--max-old-space-size=116`.
 */
function lambdaNodeOptions(memoryMb: number): string[] {
  if (!Number.isInteger(memoryMb) || memoryMb < LAMBDA_MIN_MEMORY_MB) throw new Error(`memory must be an integer of at least ${LAMBDA_MIN_MEMORY_MB} MB`);
  const newSpace = Math.floor(memoryMb / 10);
  const semiSpace = Math.floor(newSpace / 2);
  const oldSpace = memoryMb - newSpace;
  return ['--expose-gc', '--max-http-header-size=81920', `--max-semi-space-size=${semiSpace}`, `--max-old-space-size=${oldSpace}`];
}

export { LAMBDA_MIN_MEMORY_MB, lambdaNodeOptions };
