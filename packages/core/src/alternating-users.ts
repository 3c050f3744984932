import { assertUsernameFits, otherUser, type UserPair, userPairOf } from './alternate-user.js';
import { ROTATION_USERS_FIELD, RotationStrategy } from './constants.js';
import type { AdminSession, UserState } from './engine.js';
import { AlternateUserConflictError, MasterSecretError, ResourceMismatchError } from './errors.js';
import { readMasterSecretJson } from './master-secret.js';
import { isReplicaOfMaster, SdkRdsLookups } from './rds-topology.js';
import {
  createRotationHandler,
  type RotationContext,
  type RotationHandler,
  type RotationHandlerOptions,
  type RotationSteps,
} from './rotation-handler.js';
import { normalizeHost, type RotatableSecret } from './secret-fields.js';
import {
  assertSameResource,
  createPendingVersion,
  finishPendingVersion,
  loadCurrent,
  loadPending,
  proveLogin,
  testPendingVersion,
  withSession,
} from './steps.js';

function requireMasterArn(secret: RotatableSecret): string {
  if (secret.masterarn === undefined) {
    throw new MasterSecretError('Field "masterarn" of the AWSCURRENT secret is missing; alternating users needs a master secret', {
      field: 'masterarn',
    });
  }
  return secret.masterarn;
}

/** The alternate name must fit the engine's limit (or USERNAME_CHARACTER_LIMIT). */
function assertFits<S extends RotatableSecret>(
  { engine, config }: Pick<RotationContext<S>, 'engine' | 'config'>,
  secret: S,
  username: string,
): void {
  const limit = config.usernameCharacterLimit ?? engine.maxUsernameLength(secret);
  assertUsernameFits(username, limit, engine.measureUsername ?? ((name) => [...name].length));
}

/**
 * createSecret: the other user of the pair with a new password, and the pair recorded in the secret. A
 * missing `masterarn` or a name over the engine's limit fails here, before anything is written.
 */
function createSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return createPendingVersion(context, (current) => {
    requireMasterArn(current);
    const { pair } = userPairOf(current);
    const next = otherUser(pair, current.username);
    assertFits(context, current, next);
    return { ...current.fields, username: next, [ROTATION_USERS_FIELD]: { ...pair } };
  });
}

/** The master must serve the same database: the same host and port, or an RDS replica / Aurora reader of it. */
async function assertMasterServes<S extends RotatableSecret>(
  { engine, rds }: Pick<RotationContext<S>, 'engine' | 'rds'>,
  master: S,
  current: S,
): Promise<void> {
  const user = engine.endpointOf(current);
  const admin = engine.endpointOf(master);
  if (normalizeHost(user.host) === normalizeHost(admin.host)) {
    if (user.port !== admin.port) {
      throw new MasterSecretError('Master secret is for another port than the current secret', { field: 'port' });
    }
    return;
  }
  if (!(await isReplicaOfMaster(user.host, admin.host, rds))) {
    throw new MasterSecretError('Master secret is for another host, not the current host or a replica of it', {
      field: 'host',
    });
  }
}

/**
 * An existing clone is managed only if rotation made it: the engine's marker says so, the pair was recorded
 * by a completed rotation, the pending password already logs in as it (an earlier attempt of this rotation
 * created it), or the operator opted in with ADOPT_EXISTING_USER. Anything else is someone else's account.
 */
async function adoptionReason<S extends RotatableSecret>(
  context: RotationContext<S>,
  state: UserState & { exists: true },
  pending: S,
  pairRecorded: boolean,
): Promise<string | undefined> {
  if (state.createdByRotation) return 'engine-marker';
  if (pairRecorded) return 'recorded-pair';
  if (context.config.adoptExistingUser) return 'ADOPT_EXISTING_USER';
  const pendingLogsIn = await proveLogin(context.engine, pending, 'pending').then(
    () => true,
    () => false,
  );
  return pendingLogsIn ? 'pending-password' : undefined;
}

async function assertAdoptable<S extends RotatableSecret>(
  context: RotationContext<S>,
  state: UserState & { exists: true },
  pending: S,
  pairRecorded: boolean,
): Promise<void> {
  const reason = await adoptionReason(context, state, pending, pairRecorded);
  if (reason === undefined) {
    throw new AlternateUserConflictError(
      'Alternate user already exists and was not created by rotation; set ADOPT_EXISTING_USER=true to take it over',
      { field: 'username' },
    );
  }
  context.logger.info('Alternate user exists and is managed by rotation', { username: pending.username, reason });
}

async function applyChange<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  pending: S,
  pairRecorded: boolean,
): Promise<void> {
  const state = await admin.describeUser(pending.username);
  const isClone = pending.username === pair.clone;
  if (state.exists && isClone) await assertAdoptable(context, state, pending, pairRecorded);
  if (!state.exists && !isClone) {
    throw new AlternateUserConflictError('The original user of the pair no longer exists', { field: 'username' });
  }
  await admin.applyAlternateUser({
    original: pair.original,
    clone: pair.clone,
    target: pending.username,
    password: pending.password,
    createClone: isClone && !state.exists,
  });
  context.logger.info('Updated the alternate user', {
    username: pending.username,
    created: isClone && !state.exists,
  });
}

/**
 * setSecret: resource and username checks; AWSCURRENT must log in; the master secret must serve the same
 * database; then the master creates or updates the user that is not current and syncs the clone's
 * privileges to the original's. Every operation is idempotent, so a retry simply runs it again.
 */
async function setSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  const { engine, secrets, rds } = context;
  const current = await loadCurrent(context);
  const pending = await loadPending(context);
  assertSameResource(engine, current, pending);
  const { pair, recorded } = userPairOf(current);
  if (pending.username !== otherUser(pair, current.username)) {
    throw new ResourceMismatchError('Field "username" of AWSPENDING is not the alternate of the AWSCURRENT user', {
      field: 'username',
    });
  }
  assertFits(context, current, pending.username);
  const masterArn = requireMasterArn(current);

  context.logger.debug('Logging in with AWSCURRENT', { username: current.username });
  await proveLogin(engine, current, 'current');
  const master = engine.parseSecret(await readMasterSecretJson(masterArn, secrets, rds), 'master');
  context.logger.debug('Read the master secret', { masterUsername: master.username, pair });
  await assertMasterServes(context, master, current);
  await withSession(engine.connectAdmin(master, current), (admin) => applyChange(context, admin, pair, pending, recorded));
}

/** testSecret: the alternate user logs in with AWSPENDING and passes the engine's probe. */
function testSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return testPendingVersion(context);
}

/** finishSecret: AWSCURRENT moves to the new version; the previous user keeps working until its next turn. */
function finishSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return finishPendingVersion(context);
}

/** RDS lookups through the SDK: managed master secrets and replica checks need them. */
function sdkRdsLookups(endpoint: string | undefined): SdkRdsLookups {
  return new SdkRdsLookups(endpoint);
}

/** The alternating-users strategy's four steps. */
function alternatingUsersSteps<S extends RotatableSecret>(): RotationSteps<S> {
  return { createSecret, setSecret, testSecret, finishSecret };
}

/** Builds the alternating-users handler: a master secret keeps `<user>` and `<user>_clone` in step. */
function createAlternatingUsersRotation<S extends RotatableSecret>(options: RotationHandlerOptions<S>): RotationHandler {
  return createRotationHandler(RotationStrategy.AlternatingUsers, alternatingUsersSteps<S>(), options, sdkRdsLookups);
}

export { alternatingUsersSteps, assertFits, assertMasterServes, createAlternatingUsersRotation, requireMasterArn, sdkRdsLookups };
