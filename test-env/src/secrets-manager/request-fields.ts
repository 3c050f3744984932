import type { JsonObject } from '../aws/json-protocol-server.js';
import { AwsServiceError } from '../aws/service-error.js';

/** A tag as the store keeps it. */
interface SecretTag {
  readonly key: string;
  readonly value: string;
}

function invalid(name: string, expected: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', `Invalid parameter ${name}: expected ${expected}.`);
}

/** A string field, or undefined when absent; a present field of another type is an InvalidParameterException. */
function optionalString(input: JsonObject, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'a string');
  return value;
}

/** A non-empty string field that must be present. */
function requiredString(input: JsonObject, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') {
    throw new AwsServiceError('InvalidParameterException', `You must specify a value for the ${name} parameter.`);
  }
  return value;
}

/** The length the API reference gives ClientRequestToken in every operation that takes one. */
const TOKEN_LENGTH = { min: 32, max: 64 } as const;

/**
 * A `ClientRequestToken`, or undefined when absent. Its documented length is 32 to 64 characters (the SDK's
 * generated UUID has 36); the service's request validation refuses other lengths with a ValidationException.
 */
function optionalClientRequestToken(input: JsonObject): string | undefined {
  const token = optionalString(input, 'ClientRequestToken');
  if (token === undefined) return undefined;
  const bound = token.length < TOKEN_LENGTH.min ? `greater than or equal to ${TOKEN_LENGTH.min}` : token.length > TOKEN_LENGTH.max ? `less than or equal to ${TOKEN_LENGTH.max}` : undefined;
  if (bound !== undefined) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  return token;
}

/**
 * A `ClientRequestToken` the operation cannot do without: a request that writes a value and sends none is
 * refused, as the service refuses raw requests without one (the SDK always generates it).
 */
function requiredClientRequestToken(input: JsonObject): string {
  const token = optionalClientRequestToken(input);
  if (token === undefined) {
    throw new AwsServiceError('InvalidRequestException', 'You must provide a ClientRequestToken value. We recommend a UUID-type value.');
  }
  return token;
}

/** A boolean field, or undefined when absent. */
function optionalBoolean(input: JsonObject, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean');
  return value;
}

/** An integer field, or undefined when absent. */
function optionalInteger(input: JsonObject, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(name, 'an integer');
  return value;
}

/** A list of strings, or undefined when absent. */
function optionalStringList(input: JsonObject, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(name, 'a list of strings');
  return value;
}

/** A JSON object field, or undefined when absent. */
function optionalObject(input: JsonObject, name: string): JsonObject | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'an object');
  return value as JsonObject;
}

/** A `Tags` list of `{Key, Value}`, or undefined when absent. */
function optionalTags(input: JsonObject, name: string): SecretTag[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(name, 'a list of tags');
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw invalid(name, 'a list of tags');
    const tag = item as JsonObject;
    return { key: requiredString(tag, 'Key'), value: optionalString(tag, 'Value') ?? '' };
  });
}

export {
  optionalBoolean,
  optionalClientRequestToken,
  optionalInteger, optionalObject, optionalString, optionalStringList, optionalTags,
  requiredClientRequestToken,
  requiredString,
};
export type { SecretTag };
