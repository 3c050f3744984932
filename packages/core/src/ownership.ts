import { randomBytes } from 'node:crypto';
import type { UserPair } from './alternate-user.js';
import { StagingLabel } from './constants.js';
import type { AdminSession, RotationMarker, UserState } from './engine.js';
import { AlternateUserConflictError, EngineAuthError, ResourceMismatchError } from './errors.js';
import type { RotationContext } from './rotation-handler.js';
import type { RotatableSecret } from './secret-fields.js';
import { versionWithLabel } from './secrets-repository.js';
import { proveLogin } from './steps.js';

/**
 * The rules that keep the master acting only on accounts this secret's writers already hold. Every field of
 * the application secret, in every version, is written by someone the master's power is not entrusted to,
 * and database users can set things on their own accounts: nothing read from either is taken as permission
 * unless it is a proof such a writer cannot forge. See docs/threat-model.md.
 */

/** Why rotation may manage an alternate user that already exists. */
type OwnershipProof = 'marker' | 'password-held' | 'ADOPT_EXISTING_USER';

/** The pair never includes the master's own account: the master does not rotate, clone or copy itself. */
function assertPairExcludesMaster(pair: UserPair, masterUsername: string): void {
  if (pair.original === masterUsername || pair.clone === masterUsername) {
    throw new ResourceMismatchError("The user pair of the secret includes the master secret's own user", { field: 'username' });
  }
}

/** Whether `marker` binds the account to this secret's rotation, as the alternate of `original`. */
function isOwnMarker(marker: RotationMarker | undefined, secretArn: string, original: string): boolean {
  return marker?.secretArn === secretArn && marker.alternateOf === original;
}

/** A marker that names a secret, or an original, other than this rotation's: another rotation manages the account. */
function isForeignMarker(marker: RotationMarker | undefined, secretArn: string, original: string): boolean {
  return marker?.secretArn !== undefined && !isOwnMarker(marker, secretArn, original);
}

/**
 * Credentials for `username` at the current secret's own server, with its TLS setting: only the username and
 * password come from elsewhere, so a version pointing at another server can never vouch for an account here.
 */
function credentialsAt<S extends RotatableSecret>(context: RotationContext<S>, current: S, username: string, password: string): S {
  return context.engine.parseSecret({ ...current.fields, username, password }, 'AWSCURRENT');
}

/** Whether a login with these credentials succeeds; a refusal is false, any other failure is thrown. */
async function logsIn<S extends RotatableSecret>(context: RotationContext<S>, secret: S): Promise<boolean> {
  try {
    await proveLogin(context.engine, secret, 'probe');
    return true;
  } catch (error) {
    if (error instanceof EngineAuthError) return false;
    throw error;
  }
}

/**
 * Whether the account needs a password at all: the server's own statement where it has one, else a login
 * with a random password must be refused. A Redis `nopass` user or a role pg_hba trusts lets any password in,
 * so a password "working" proves nothing for it.
 */
async function refusesWrongPassword<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  current: S,
  username: string,
): Promise<boolean> {
  const stated = await admin.requiresPassword?.(username);
  if (stated !== undefined) return stated;
  const wrong = `rl-wrong-${randomBytes(18).toString('base64url')}`;
  return !(await logsIn(context, credentialsAt(context, current, username, wrong)));
}

/** Whether `password` opens the account: checked against the server's stored form where possible, else by a login. */
async function passwordOpens<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  current: S,
  username: string,
  password: string,
): Promise<boolean> {
  const stated = await admin.hasPassword?.(username, password);
  if (stated !== undefined) return stated;
  return logsIn(context, credentialsAt(context, current, username, password));
}

/** How many older versions the ownership proof reads at most, after AWSPENDING and AWSPREVIOUS. */
const MAX_OLDER_VERSIONS = 10;

/** The password a version holds for `username`, if it is a JSON object naming that user; anything else offers none. */
function passwordIn(value: string | undefined, username: string): string | undefined {
  try {
    const json = JSON.parse(value ?? 'null') as { username?: unknown; password?: unknown } | null;
    return json?.username === username && typeof json.password === 'string' && json.password !== '' ? json.password : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The passwords this secret's versions hold for `username`, most telling first: AWSPENDING's (an earlier
 * attempt of this rotation made the account), AWSPREVIOUS's (the account's last turn), then up to ten older
 * versions (a secret re-applied from infrastructure code pushes the clone's version past AWSPREVIOUS).
 * Versions are read only while no earlier password has opened the account.
 */
async function* versionPasswordsFor<S extends RotatableSecret>(
  context: RotationContext<S>,
  pending: S | undefined,
  username: string,
): AsyncGenerator<string> {
  const { secrets, secret, event, logger } = context;
  const seen = new Set<string>([event.clientRequestToken]);
  if (pending?.username === username) yield pending.password;
  const previousId = versionWithLabel(secret, StagingLabel.Previous);
  if (previousId !== undefined && !seen.has(previousId)) {
    seen.add(previousId);
    const password = passwordIn(await secrets.findVersionValue(secret.arn, previousId), username);
    if (password !== undefined) yield password;
  }
  let older: string[];
  try {
    older = await secrets.versionIdsNewestFirst(secret.arn, MAX_OLDER_VERSIONS + seen.size);
  } catch (error) {
    logger.warn('Older versions of the secret cannot be listed (secretsmanager:ListSecretVersionIds)', { error });
    return;
  }
  for (const versionId of older.filter((id) => !seen.has(id)).slice(0, MAX_OLDER_VERSIONS)) {
    const password = passwordIn(await secrets.findVersionValue(secret.arn, versionId), username);
    if (password !== undefined) yield password;
  }
}

/**
 * Whether this secret's writers demonstrably hold the account already: it needs a password, and a password
 * one of the secret's versions holds opens it. Managing such an account gives them nothing they lack.
 */
async function writersHold<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  current: S,
  username: string,
  passwords: AsyncIterable<string>,
): Promise<boolean> {
  let checkedNeedsPassword = false;
  for await (const password of passwords) {
    if (!checkedNeedsPassword) {
      if (!(await refusesWrongPassword(context, admin, current, username))) {
        context.logger.warn('The account lets any password in; a working password proves nothing', { username });
        return false;
      }
      checkedNeedsPassword = true;
    }
    if (await passwordOpens(context, admin, current, username, password)) return true;
  }
  return false;
}

/**
 * The clone's turn, when the clone exists: rotation manages it only if its marker binds it to this secret,
 * or this secret's writers already hold it, or (for an account with no other rotation's marker) the operator
 * set ADOPT_EXISTING_USER. Returns the proof, and whether the marker must be (re)written. Preflight passes no
 * pending version: only AWSPREVIOUS can vouch then.
 */
async function assertCloneManageable<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  state: UserState & { exists: true },
  current: S,
  pending: S | undefined,
): Promise<{ proof: OwnershipProof; markClone: boolean }> {
  const secretArn = context.secret.arn;
  if (isOwnMarker(state.marker, secretArn, pair.original)) return { proof: 'marker', markClone: false };
  const foreign = isForeignMarker(state.marker, secretArn, pair.original);
  if (!foreign && context.config.adoptExistingUser) return { proof: 'ADOPT_EXISTING_USER', markClone: true };
  if (await writersHold(context, admin, current, pair.clone, versionPasswordsFor(context, pending, pair.clone))) {
    return { proof: 'password-held', markClone: true };
  }
  if (foreign) {
    throw new AlternateUserConflictError("Alternate user is managed by another secret's rotation (its marker names another secret)", {
      field: 'username',
    });
  }
  throw new AlternateUserConflictError(
    'Alternate user already exists and nothing proves this secret owns it; set ADOPT_EXISTING_USER=true to take it over',
    { field: 'username' },
  );
}

/**
 * The original's turn: the current user is the clone, and its login is what lets the master set the
 * original's password. That login counts only if the clone is rotation's own for this secret (its marker) or
 * at least needs a password, and never if another rotation's marker is on it.
 */
async function assertCurrentIsAlternate<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  current: S,
): Promise<void> {
  const state = await admin.describeUser(pair.clone);
  const marker = state.exists ? state.marker : undefined;
  if (isOwnMarker(marker, context.secret.arn, pair.original)) return;
  if (isForeignMarker(marker, context.secret.arn, pair.original)) {
    throw new AlternateUserConflictError("The current user is managed by another secret's rotation (its marker names another secret)", {
      field: 'username',
    });
  }
  if (!(await refusesWrongPassword(context, admin, current, pair.clone))) {
    throw new AlternateUserConflictError('The current user lets any password in, so its login proves nothing about the original', {
      field: 'username',
    });
  }
}

export { assertCloneManageable, assertCurrentIsAlternate, assertPairExcludesMaster, isOwnMarker };
export type { OwnershipProof };
