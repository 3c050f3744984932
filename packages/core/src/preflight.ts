import { connect as tcpConnect } from 'node:net';
import { otherUser, type UserPair, userPairOf } from './alternate-user.js';
import { assertFits, assertMasterServes, requireMasterArn, sdkRdsLookups } from './alternating-users.js';
import { RotationStep, RotationStrategy } from './constants.js';
import type { AdminSession } from './engine.js';
import { causeReason } from './error-reason.js';
import { AlternateUserConflictError, EngineAuthError, EngineTlsError, InvalidSecretError, RotationError } from './errors.js';
import { unfinishedRotation } from './local-rotation.js';
import { readMasterSecretJson } from './master-secret.js';
import { assertCloneManageable, assertCurrentIsAlternate, assertPairExcludesMaster } from './ownership.js';
import { createRotationRuntime, type RotationContext, type RotationHandlerOptions, type RotationRuntime } from './rotation-handler.js';
import { parseSecretJson, type RotatableSecret, type SecretJson } from './secret-fields.js';
import type { SecretMetadata } from './secrets-repository.js';
import { withSession } from './steps.js';

/** How one check came out. */
type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One line of a preflight report: what was checked, how it came out, and how to fix it. Never a value. */
interface PreflightCheck {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail?: string;
  readonly hint?: string;
  /** The RotationError code behind a failure. */
  readonly code?: string;
}

const pass = (id: string, title: string, detail?: string): PreflightCheck => ({ id, title, status: 'pass', ...(detail ? { detail } : {}) });
const skip = (id: string, title: string): PreflightCheck => ({ id, title, status: 'skip', detail: 'skipped: an earlier check failed' });

function fail(id: string, title: string, error: unknown, hint: string): PreflightCheck {
  const rotation = error instanceof RotationError ? error : undefined;
  // The cause says why (a TLS verification error, a missing region); runPreflight scrubs it.
  const reason = causeReason(error);
  return {
    id,
    title,
    status: 'fail',
    detail: `${rotation ? `${rotation.message}${rotation.field ? ` (field ${rotation.field})` : ''}` : 'failed'}${reason ? `: ${reason}` : ''}`,
    hint,
    ...(rotation ? { code: rotation.code } : {}),
  };
}

/** Whether a TCP connection to host:port opens within the timeout. */
function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function checkCurrent<S extends RotatableSecret>(runtime: RotationRuntime<S>, current: S): Promise<PreflightCheck[]> {
  const { engine, config } = runtime;
  const [endpoint] = engine.endpointsOf(current);
  if (endpoint === undefined || !(await reachable(endpoint.host, endpoint.port, config.connectTimeoutMs))) {
    return [
      fail('reachable', 'Database host reachable', undefined, 'Check the security groups, the subnets (VPC) and the host and port in the secret'),
      skip('tls', 'TLS verifies'),
      skip('login', 'Current credentials log in'),
    ];
  }
  const ssl = (current as { ssl?: unknown }).ssl;
  const tlsPass = ssl === false ? { ...pass('tls', 'TLS verifies'), status: 'warn' as const, detail: 'plaintext: the secret sets "ssl": false' } : pass('tls', 'TLS verifies');
  try {
    await withSession('current credentials check', () => engine.connect(current, 'current'), (session) => session.verify());
    return [pass('reachable', 'Database host reachable'), tlsPass, pass('login', 'Current credentials log in')];
  } catch (error) {
    if (error instanceof EngineTlsError) {
      return [
        pass('reachable', 'Database host reachable'),
        fail('tls', 'TLS verifies', error, 'Trust the server CA (NODE_EXTRA_CA_CERTS), use the host name on its certificate, or set "ssl": false for plaintext'),
        skip('login', 'Current credentials log in'),
      ];
    }
    const hint = error instanceof EngineAuthError ? 'The AWSCURRENT password does not work: fix the secret or the user before rotating' : 'See the error code';
    return [pass('reachable', 'Database host reachable'), tlsPass, fail('login', 'Current credentials log in', error, hint)];
  }
}

/** The step context the ownership rules need, for a secret that is not being rotated (no pending version). */
function preflightContext<S extends RotatableSecret>(runtime: RotationRuntime<S>, secret: SecretMetadata): RotationContext<S> {
  const { secrets, engine, config, logger, rds } = runtime;
  return { event: { step: RotationStep.SetSecret, secretId: secret.arn, clientRequestToken: '' }, secret, secrets, engine, config, logger, rds };
}

const ALTERNATE_TITLE = 'Alternate user free or ours';

/** Whether the next rotation may manage the user that is not current: the same rules setSecret applies. */
async function checkOwnership<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  current: S,
): Promise<PreflightCheck> {
  const alternate = otherUser(pair, current.username);
  const state = await admin.describeUser(alternate);
  if (alternate === pair.original) {
    if (!state.exists) return fail('alternate-user', ALTERNATE_TITLE, new AlternateUserConflictError('The original user of the pair no longer exists'), 'Recreate the original user or fix the secret');
    await assertCurrentIsAlternate(context, admin, pair, current);
    return pass('alternate-user', ALTERNATE_TITLE, 'the original exists; the current user is its alternate');
  }
  if (!state.exists) return pass('alternate-user', ALTERNATE_TITLE, 'does not exist yet: the first rotation creates it');
  const { proof } = await assertCloneManageable(context, admin, pair, state, current, undefined);
  if (proof === 'ADOPT_EXISTING_USER') {
    return { id: 'alternate-user', title: ALTERNATE_TITLE, status: 'warn', detail: 'exists; ADOPT_EXISTING_USER takes it over' };
  }
  return pass('alternate-user', ALTERNATE_TITLE, proof === 'marker' ? "managed by rotation (its marker names this secret)" : 'managed by rotation (a version of this secret holds its password)');
}

async function checkAdmin<S extends RotatableSecret>(
  context: RotationContext<S>,
  admin: AdminSession,
  pair: UserPair,
  current: S,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const missing = admin.missingPrivileges === undefined ? undefined : await admin.missingPrivileges(pair.original);
  if (missing === undefined) checks.push({ id: 'master-privileges', title: 'Master can create and grant', status: 'warn', detail: 'not checked for this engine' });
  else if (missing.length === 0) checks.push(pass('master-privileges', 'Master can create and grant'));
  else checks.push({ id: 'master-privileges', title: 'Master can create and grant', status: 'fail', detail: `missing: ${missing.join(', ')}`, hint: 'Grant the master these privileges' });
  try {
    checks.push(await checkOwnership(context, admin, pair, current));
  } catch (error) {
    const conflict = error instanceof AlternateUserConflictError;
    checks.push(
      fail(
        'alternate-user',
        ALTERNATE_TITLE,
        error,
        conflict ? 'Drop or rename that account, or set ADOPT_EXISTING_USER=true if it is yours' : 'The server refused the lookup or the name: see the error code',
      ),
    );
  }
  return checks;
}

async function checkAlternating<S extends RotatableSecret>(runtime: RotationRuntime<S>, secret: SecretMetadata, current: S): Promise<PreflightCheck[]> {
  const { engine, secrets, rds, config } = runtime;
  const checks: PreflightCheck[] = [];
  let pair: UserPair;
  try {
    pair = userPairOf(current);
  } catch (error) {
    return [fail('alternate-name', 'Alternate username fits the engine limit', error, 'Remove "rotation_users" from the secret, or make it name the user and its alternate')];
  }
  const alternate = otherUser(pair, current.username);
  try {
    assertFits(runtime, current, alternate);
    checks.push(pass('alternate-name', 'Alternate username fits the engine limit'));
  } catch (error) {
    checks.push(fail('alternate-name', 'Alternate username fits the engine limit', error, 'Shorten the username or raise USERNAME_CHARACTER_LIMIT'));
  }
  let masterArn: string;
  try {
    masterArn = requireMasterArn(current);
    checks.push(pass('masterarn', 'Secret names its master secret'));
  } catch (error) {
    return [...checks, fail('masterarn', 'Secret names its master secret', error, 'Add "masterarn": "<ARN of the superuser secret>" to the secret JSON')];
  }
  let master: S;
  try {
    master = engine.parseSecret(await readMasterSecretJson({ masterArn, pin: config.masterSecretArn, rotatedArn: secret.arn }, secrets, rds), 'master');
    assertPairExcludesMaster(pair, master.username);
    await assertMasterServes(runtime, master, current);
    checks.push(pass('master-secret', 'Master secret resolves, for the same server'));
  } catch (error) {
    return [...checks, fail('master-secret', 'Master secret resolves, for the same server', error, 'Check GetSecretValue on the master secret, MASTER_SECRET_ARN, and its host and port')];
  }
  let admin: AdminSession;
  try {
    admin = await engine.connectAdmin(master, current);
    checks.push(pass('master-login', 'Master credentials log in'));
  } catch (error) {
    return [...checks, fail('master-login', 'Master credentials log in', error, 'Fix the master secret or the master user')];
  }
  try {
    return [...checks, ...(await checkAdmin(preflightContext(runtime, secret), admin, pair, current))];
  } finally {
    await admin.close();
  }
}

/**
 * Checks a secret for a handler without changing anything: the secret reads and parses for this engine,
 * the host is reachable, TLS verifies, AWSCURRENT logs in, and for alternating users the master resolves,
 * is for the same server, logs in, can create and grant, and the alternate name fits and is free or ours.
 * Run it before turning rotation on: enabling rotation rotates at once.
 */
async function runPreflight<S extends RotatableSecret>(
  strategy: RotationStrategy,
  options: RotationHandlerOptions<S>,
  secretId: string,
): Promise<PreflightCheck[]> {
  const runtime = createRotationRuntime(strategy, options, sdkRdsLookups);
  const checks = await collectChecks(strategy, runtime, secretId);
  // Details quote causes (driver and SDK messages): remove every secret value read along the way.
  return checks.map((check) => (check.detail === undefined ? check : { ...check, detail: runtime.scrubber.scrub(check.detail) }));
}

async function collectChecks<S extends RotatableSecret>(strategy: RotationStrategy, runtime: RotationRuntime<S>, secretId: string): Promise<PreflightCheck[]> {
  const { secrets, engine } = runtime;
  const checks: PreflightCheck[] = [];
  let json: SecretJson;
  let secret: SecretMetadata;
  try {
    secret = await secrets.describe(secretId);
    const unfinished = unfinishedRotation(secret);
    json = parseSecretJson(await secrets.currentValue(secret), 'AWSCURRENT');
    checks.push(pass('secret', 'Secret readable (AWSCURRENT)'));
    checks.push(
      unfinished === undefined
        ? pass('rotation-state', 'No rotation in progress', secret.rotationEnabled ? 'rotation enabled' : 'rotation not enabled yet: enabling it rotates at once')
        : { id: 'rotation-state', title: 'No rotation in progress', status: 'warn', detail: 'an AWSPENDING version is unfinished', hint: 'Let the rotation finish, or cancel it and remove the AWSPENDING label' },
    );
  } catch (error) {
    return [fail('secret', 'Secret readable (AWSCURRENT)', error, 'Check the secret id, the region, GetSecretValue and DescribeSecret permissions, and that the value is JSON')];
  }
  let current: S;
  try {
    current = engine.parseSecret(json, 'AWSCURRENT');
    checks.push(pass('fields', `Secret JSON has the fields ${engine.name} needs`), pass('engine', 'Engine accepted'));
  } catch (error) {
    const engineField = error instanceof InvalidSecretError && error.field === 'engine';
    return [
      ...checks,
      engineField ? pass('fields', `Secret JSON has the fields ${engine.name} needs`) : fail('fields', `Secret JSON has the fields ${engine.name} needs`, error, 'See the engine README for the secret fields'),
      engineField ? fail('engine', 'Engine accepted', error, `This handler serves ${engine.name}: pick the handler for the secret's engine`) : skip('engine', 'Engine accepted'),
    ];
  }
  const connection = await checkCurrent(runtime, current);
  checks.push(...connection);
  if (strategy === RotationStrategy.AlternatingUsers) {
    if (connection.some((check) => check.status === 'fail')) return checks;
    checks.push(...(await checkAlternating(runtime, secret, current)));
  }
  return checks;
}

export { runPreflight };
export type { CheckStatus, PreflightCheck };
