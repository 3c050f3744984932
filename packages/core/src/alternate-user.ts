import { CLONE_SUFFIX, ROTATION_USERS_FIELD } from './constants.js';
import { InvalidSecretError, ResourceMismatchError, type SecretSource, UsernameTooLongError } from './errors.js';
import type { RotatableSecret, SecretJson } from './secret-fields.js';

/**
 * The two users an alternating-users secret switches between. Rotation records the pair in the secret
 * (`rotation_users`) the first time it clones, so later rotations know which user the operator made
 * (the original, whose privileges are the reference) and which one rotation made (the clone).
 */
interface UserPair {
  readonly original: string;
  readonly clone: string;
}

/** AWS's rule: strip `_clone` when present, else append it. */
function alternateUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) && username.length > CLONE_SUFFIX.length
    ? username.slice(0, -CLONE_SUFFIX.length)
    : `${username}${CLONE_SUFFIX}`;
}

/** The pair recorded in a secret, if any; a malformed record is an error rather than ignored. */
function recordedUserPair(fields: SecretJson, source: SecretSource): UserPair | undefined {
  const record = fields[ROTATION_USERS_FIELD];
  if (record === undefined || record === null) return undefined;
  const { original, clone } = (typeof record === 'object' ? record : {}) as Record<string, unknown>;
  if (typeof original !== 'string' || typeof clone !== 'string' || original === '' || clone === '' || original === clone) {
    throw new InvalidSecretError(
      `Field "${ROTATION_USERS_FIELD}" of the ${source} secret must be an object with two different usernames, original and clone`,
      source,
      { field: ROTATION_USERS_FIELD },
    );
  }
  return { original, clone };
}

/**
 * The pair for the current secret: the recorded one, or on the first rotation the current user as the
 * original and its alternate name as the clone. The current user must be one of the pair.
 */
function userPairOf(current: RotatableSecret): { pair: UserPair; recorded: boolean } {
  const recorded = recordedUserPair(current.fields, 'AWSCURRENT');
  if (recorded === undefined) {
    return { pair: { original: current.username, clone: alternateUsername(current.username) }, recorded: false };
  }
  if (current.username !== recorded.original && current.username !== recorded.clone) {
    throw new ResourceMismatchError(`Field "username" of the AWSCURRENT secret is not one of "${ROTATION_USERS_FIELD}"`, {
      field: 'username',
    });
  }
  return { pair: recorded, recorded: true };
}

/** The user of the pair that is not `username`. */
function otherUser(pair: UserPair, username: string): string {
  return username === pair.original ? pair.clone : pair.original;
}

/** Throws UsernameTooLongError when `username` exceeds `limit` as the engine measures it. */
function assertUsernameFits(username: string, limit: number, measure: (name: string) => number): void {
  if (measure(username) > limit) {
    throw new UsernameTooLongError(`Alternate username exceeds the engine's limit of ${limit}`, limit, {
      field: 'username',
    });
  }
}

export { alternateUsername, assertUsernameFits, otherUser, recordedUserPair, userPairOf };
export type { UserPair };
