import { randomUUID } from 'node:crypto';
import type { Debugger } from 'debug';
import { type LocalHttpRequest, type LocalHttpResponse, type LocalHttpServer, startLocalHttpServer } from './local-http-server.js';
import { AwsServiceError } from './service-error.js';

/** A request body of the AWS JSON protocol: always a JSON object. */
type JsonObject = Readonly<Record<string, unknown>>;

/** Serves one operation synchronously; throws an `AwsServiceError` to answer with an AWS error. */
type JsonDispatch = (operation: string, input: JsonObject) => object;

/** How a JSON-protocol service is addressed and served. */
interface JsonProtocolOptions {
  /** The `X-Amz-Target` prefix, such as `secretsmanager`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  readonly log: Debugger;
  readonly dispatch: JsonDispatch;
}

function reply(contentType: string, status: number, body: unknown, headers: Record<string, string> = {}): LocalHttpResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...headers },
    body: JSON.stringify(body),
  };
}

function parseBody(body: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = body === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as JsonObject;
}

function operationOf(request: LocalHttpRequest, targetPrefix: string): string {
  const target = request.headers['x-amz-target'];
  const prefix = `${targetPrefix}.`;
  if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith(prefix)) {
    throw new AwsServiceError('UnknownOperationException', `Expected a POST with X-Amz-Target: ${prefix}<Operation>`);
  }
  return target.slice(prefix.length);
}

/**
 * Starts a server speaking the AWS JSON protocol (`POST /`, `X-Amz-Target: <prefix>.<Operation>`, JSON bodies).
 * Errors carry their type both in `x-amzn-ErrorType` and in the body's `__type`, as AWS sends them; the SDK
 * reads either. SigV4 signatures are not checked.
 */
function startJsonProtocolServer(options: JsonProtocolOptions): Promise<LocalHttpServer> {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  return startLocalHttpServer((request) => {
    let operation = '?';
    try {
      operation = operationOf(request, options.targetPrefix);
      const output = options.dispatch(operation, parseBody(request.body));
      options.log('%s -> 200', operation);
      return reply(contentType, 200, output);
    } catch (error) {
      const failure =
        error instanceof AwsServiceError
          ? error
          : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error));
      options.log('%s -> %d %s: %s', operation, failure.status, failure.type, failure.message);
      // Secrets Manager names the field `Message`; some JSON services use `message`. The SDK reads both.
      const body = { __type: failure.type, message: failure.message, Message: failure.message };
      return reply(contentType, failure.status, body, { 'x-amzn-errortype': failure.type });
    }
  });
}

export { startJsonProtocolServer };
export type { JsonDispatch, JsonObject, JsonProtocolOptions };
