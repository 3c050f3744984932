import { expect } from 'vitest';
import type { RotationOutcome, StepOutcome } from '../rotation-driver.js';

/** The typed fields of a RotationError thrown by a bundled handler (its class is the bundle's own copy). */
interface ThrownRotationError {
  readonly name: string;
  readonly code: string;
  readonly field: string | undefined;
  readonly step: string | undefined;
  readonly message: string;
}

function thrown(outcome: StepOutcome | RotationOutcome): ThrownRotationError {
  const error = outcome.error as Partial<ThrownRotationError> | undefined;
  expect(outcome.ok, 'the step was expected to fail').toBe(false);
  expect(error, 'a failed step throws an error').toBeInstanceOf(Error);
  return error as ThrownRotationError;
}

/** Asserts the outcome failed with a RotationError of `code` naming `field` (when given). */
function expectRotationError(outcome: StepOutcome | RotationOutcome, code: string, field?: string): ThrownRotationError {
  const error = thrown(outcome);
  expect({ code: error.code, ...(field === undefined ? {} : { field: error.field }) }).toEqual({
    code,
    ...(field === undefined ? {} : { field }),
  });
  return error;
}

/** Asserts a rotation or step succeeded, showing the error when it did not. */
function expectSucceeded(outcome: StepOutcome | RotationOutcome): void {
  const error = outcome.error as { code?: string; message?: string; field?: string } | undefined;
  expect(outcome.ok, `expected success, got ${error?.code ?? ''} ${error?.message ?? ''} (field ${error?.field ?? '-'})`).toBe(true);
}

/**
 * The labels a finished rotation may leave on its version: AWSCURRENT alone, or AWSCURRENT with AWSPENDING
 * still attached. The API reference documents both (RotateSecret: after a successful rotation AWSPENDING may
 * be on the AWSCURRENT version or on no version), so the contract accepts either.
 */
const FINISHED_VERSION_STAGES: readonly (readonly string[])[] = [['AWSCURRENT'], ['AWSCURRENT', 'AWSPENDING']];

/** Asserts `stages` are those of a version whose rotation finished (either documented end state). */
function expectFinishedStages(stages: readonly string[] | undefined): void {
  expect(FINISHED_VERSION_STAGES).toContainEqual([...(stages ?? [])].sort());
}

/**
 * Asserts two rotations in a row succeeded: the second's version finished (in either end state, or with
 * AWSPENDING kept when `endState` says so) and the first's is now AWSPREVIOUS.
 */
function expectTwoRotations(
  stages: Readonly<Record<string, readonly string[]>>,
  first: RotationOutcome,
  second: RotationOutcome,
  endState: 'either' | 'kept' = 'either',
): void {
  expectSucceeded(first);
  expectSucceeded(second);
  if (endState === 'kept') expect([...(stages[second.token] ?? [])].sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
  else expectFinishedStages(stages[second.token]);
  expect(stages[first.token]).toEqual(['AWSPREVIOUS']);
}

/** Whether a secret still has a rotation in progress: AWSPENDING on a version that is not AWSCURRENT. */
function hasUnfinishedRotation(stages: Readonly<Record<string, readonly string[]>>): boolean {
  return Object.values(stages).some((labels) => labels.includes('AWSPENDING') && !labels.includes('AWSCURRENT'));
}

export {
  expectFinishedStages,
  expectRotationError,
  expectSucceeded,
  expectTwoRotations,
  FINISHED_VERSION_STAGES,
  hasUnfinishedRotation,
};
export type { ThrownRotationError };
