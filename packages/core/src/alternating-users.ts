import { assertUsernameFits, otherUser, type UserPair, userPairOf } from './alternate-user.js';
import { ROTATION_USERS_FIELD, RotationStrategy } from './constants.js';
import type { AdminSession, ServerEndpoint } from './engine.js';
import { AlternateUserConflictError, MasterSecretError, ResourceMismatchError } from './errors.js';
import { assertMayBePinnedMaster, readMasterSecretJson } from './master-secret.js';
import { assertCloneManageable, assertCurrentIsAlternate, assertPairExcludesMaster } from './ownership.js';
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
 * missing or unpinned `masterarn`, a `rotation_users` record naming other accounts, or a name over the
 * engine's limit fails here, before anything is written.
 */
function createSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return createPendingVersion(context, (current) => {
    assertMayBePinnedMaster(context.config.masterSecretArn, requireMasterArn(current));
    const pair = userPairOf(current);
    const next = otherUser(pair, current.username);
    assertFits(context, current, next);
    return { ...current.fields, username: next, [ROTATION_USERS_FIELD]: { ...pair } };
  });
}

function endpointKey(endpoint: ServerEndpoint): string {
  return `${normalizeHost(endpoint.host)}:${endpoint.port}`;
}

/**
 * The master must serve every server the secret points at: each is one the master secret itself names (same
 * host and port), or an RDS read replica / Aurora reader of the master's. Master credentials go only to the
 * master's own endpoints, so a node the master secret does not name is refused, never logged in to.
 */
async function assertMasterServes<S extends RotatableSecret>(
  { engine, rds }: Pick<RotationContext<S>, 'engine' | 'rds'>,
  master: S,
  current: S,
): Promise<void> {
  const masterEndpoints = engine.endpointsOf(master);
  const named = new Set(masterEndpoints.map(endpointKey));
  const masterHosts = new Set(masterEndpoints.map((endpoint) => normalizeHost(endpoint.host)));
  const [primary] = masterEndpoints;
  for (const [index, endpoint] of engine.endpointsOf(current).entries()) {
    const field = index === 0 ? 'host' : 'nodes';
    if (named.has(endpointKey(endpoint))) continue;
    if (masterHosts.has(normalizeHost(endpoint.host))) {
      throw new MasterSecretError('Master secret is for another port than the current secret', { field: index === 0 ? 'port' : field });
    }
    if (index > 0 || primary === undefined || !(await isReplicaOfMaster(endpoint.host, primary.host, rds))) {
      throw new MasterSecretError(
        index === 0
          ? 'Master secret is for another host, not the current host or a replica of it'
          : 'Field "nodes" names a server the master secret does not name',
        { field },
      );
    }
  }
}

async function applyChange<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  current: S,
  pending: S,
): Promise<void> {
  const state = await admin.describeUser(pending.username);
  const isClone = pending.username === pair.clone;
  let markClone = false;
  if (isClone && state.exists) {
    const ownership = await assertCloneManageable(context, admin, pair, state, current, pending);
    markClone = ownership.markClone;
    context.logger.info('Alternate user exists and is managed by rotation', { username: pending.username, reason: ownership.proof });
  } else if (isClone) {
    markClone = true;
  } else {
    if (!state.exists) throw new AlternateUserConflictError('The original user of the pair no longer exists', { field: 'username' });
    await assertCurrentIsAlternate(context, admin, pair, current);
  }
  await admin.applyAlternateUser({
    original: pair.original,
    clone: pair.clone,
    target: pending.username,
    password: pending.password,
    createClone: isClone && !state.exists,
    secretArn: context.secret.arn,
    markClone,
  });
  context.logger.info('Updated the alternate user', { username: pending.username, created: isClone && !state.exists });
}

/**
 * setSecret: resource and username checks; AWSCURRENT must log in; the master secret must be the pinned one
 * and serve the same servers; the pair must not include the master; then the master creates or updates the
 * user that is not current, if this secret demonstrably owns it, and syncs the clone's privileges to the
 * original's. Every operation is idempotent, so a retry simply runs it again.
 */
async function setSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  const { engine, secrets, rds, config } = context;
  const current = await loadCurrent(context);
  const pending = await loadPending(context);
  assertSameResource(engine, current, pending);
  const pair = userPairOf(current);
  if (pending.username !== otherUser(pair, current.username)) {
    throw new ResourceMismatchError('Field "username" of AWSPENDING is not the alternate of the AWSCURRENT user', {
      field: 'username',
    });
  }
  assertFits(context, current, pending.username);
  const masterArn = requireMasterArn(current);
  assertMayBePinnedMaster(config.masterSecretArn, masterArn);
  if (config.masterSecretArn === undefined) {
    context.logger.warn('MASTER_SECRET_ARN is not set: any secret this function may read can be named as the master');
  }

  context.logger.debug('Logging in with AWSCURRENT', { username: current.username });
  await proveLogin(engine, current, 'current');
  const request = { masterArn, pin: config.masterSecretArn, rotatedArn: context.secret.arn };
  const master = engine.parseSecret(await readMasterSecretJson(request, secrets, rds), 'master');
  context.logger.debug('Read the master secret', { masterUsername: master.username, pair });
  assertPairExcludesMaster(pair, master.username);
  await assertMasterServes(context, master, current);
  await withSession('alternate user change', () => engine.connectAdmin(master, current), (admin) => applyChange(context, admin, pair, current, pending));
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
