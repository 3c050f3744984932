/** Error types AWS reports as server faults; every other error type is a client error (HTTP 400). */
const SERVER_FAULT_STATUS: ReadonlyMap<string, number> = new Map([
  ['InternalServiceError', 500],
  ['InternalFailure', 500],
  ['ServiceUnavailable', 503],
  ['ServiceUnavailableException', 503],
]);

/** The HTTP status AWS answers an error type with: 5xx for server faults, 400 otherwise (throttling included). */
function statusForErrorType(type: string): number {
  return SERVER_FAULT_STATUS.get(type) ?? 400;
}

/** An error an emulated AWS service answers with: its type becomes the SDK exception's `name`. */
class AwsServiceError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status: number = statusForErrorType(type)) {
    super(message);
    this.name = 'AwsServiceError';
    this.type = type;
    this.status = status;
  }
}

export { AwsServiceError, statusForErrorType };
