import { RotationStep } from './constants.js';
import { InvalidEventError } from './errors.js';

/** The invocation Secrets Manager sends for each rotation step. */
interface RotationEvent {
  readonly step: RotationStep;
  readonly secretId: string;
  readonly clientRequestToken: string;
}

const STEPS: ReadonlySet<string> = new Set(Object.values(RotationStep));

function requireEventString(event: Record<string, unknown>, field: string): string {
  const value = event[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidEventError(`Event field "${field}" must be a non-empty string`, { field });
  }
  return value;
}

/** Validates the raw Lambda event; throws InvalidEventError naming the missing or malformed field. */
function parseRotationEvent(event: unknown): RotationEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError('Event must be an object with Step, SecretId and ClientRequestToken');
  }
  const fields = event as Record<string, unknown>;
  const step = requireEventString(fields, 'Step');
  if (!STEPS.has(step)) {
    throw new InvalidEventError(`Event field "Step" must be one of ${[...STEPS].join(', ')}`, { field: 'Step' });
  }
  return {
    step: step as RotationStep,
    secretId: requireEventString(fields, 'SecretId'),
    clientRequestToken: requireEventString(fields, 'ClientRequestToken'),
  };
}

export { parseRotationEvent };
export type { RotationEvent };
