import { CLONE_SUFFIX, ROTATION_USERS_FIELD } from './constants.js';
import { InvalidSecretError, ResourceMismatchError, type SecretSource, UsernameTooLongError } from './errors.js';
import type { RotatableSecret, SecretJson } from './secret-fields.js';

/**
 * The two users an alternating-users secret switches between: the user the operator made (the original,
 * whose privileges are the reference) and the one rotation makes and keeps in sync (the clone).
 */
interface UserPair {
  readonly original: string;
  readonly clone: string;
}

/** Whether `username` has the clone suffix with something before it. */
function hasCloneSuffix(username: string): boolean {
  return username.endsWith(CLONE_SUFFIX) && username.length > CLONE_SUFFIX.length;
}

/** AWS's rule: strip `_clone` when present, else append it. */
function alternateUsername(username: string): string {
  return hasCloneSuffix(username) ? username.slice(0, -CLONE_SUFFIX.length) : `${username}${CLONE_SUFFIX}`;
}

/**
 * The only pairs a secret for `username` can be part of: the user with `_clone` stripped as the original
 * (when it has the suffix), and the user itself as the original of `<user>_clone`. AWS's rule comes first.
 * Nothing written in a secret can widen this set: the pair is derived, never read.
 */
function derivedPairs(username: string): readonly UserPair[] {
  const appended = { original: username, clone: `${username}${CLONE_SUFFIX}` };
  return hasCloneSuffix(username) ? [{ original: alternateUsername(username), clone: username }, appended] : [appended];
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
 * The pair of the current secret, derived from its username. `rotation_users` is only a hint that picks
 * between the two derivations for a user whose own name ends in `_clone`; a record naming any other
 * account is refused, since whoever writes the secret is not trusted with the master's power.
 */
function userPairOf(current: RotatableSecret): UserPair {
  const candidates = derivedPairs(current.username);
  const recorded = recordedUserPair(current.fields, 'AWSCURRENT');
  if (recorded === undefined) return candidates[0] as UserPair;
  const match = candidates.find((pair) => pair.original === recorded.original && pair.clone === recorded.clone);
  if (match === undefined) {
    throw new ResourceMismatchError(
      `Field "${ROTATION_USERS_FIELD}" of the AWSCURRENT secret does not name the secret's user and its derived alternate`,
      { field: ROTATION_USERS_FIELD },
    );
  }
  return match;
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

export { alternateUsername, assertUsernameFits, derivedPairs, otherUser, recordedUserPair, userPairOf };
export type { UserPair };
