import { StagingLabel } from './constants.js';
import type { AdminSession, EngineAdapter, UserSession } from './engine.js';
import { type CredentialsRole, ResourceMismatchError, StagingLabelError } from './errors.js';
import type { RotationContext } from './rotation-handler.js';
import { parseSecretJson, type RotatableSecret, type SecretJson } from './secret-fields.js';
import { versionWithLabel } from './secrets-repository.js';
import { currentDeadline, StepDeadline } from './deadline.js';
import { withRetries } from './retry.js';

/** The AWSCURRENT version, parsed and validated by the engine. */
async function loadCurrent<S extends RotatableSecret>(context: RotationContext<S>): Promise<S> {
  const value = await context.secrets.currentValue(context.secret);
  const current = context.engine.parseSecret(parseSecretJson(value, 'AWSCURRENT'), 'AWSCURRENT');
  context.logger.debug('Read the AWSCURRENT version', { username: current.username, endpoint: describeEndpoint(context, current) });
  return current;
}

/** `host:port` for debug lines; an engine without a single endpoint (the generic starter) has none. */
function describeEndpoint<S extends RotatableSecret>(context: RotationContext<S>, secret: S): string | undefined {
  try {
    const [primary] = context.engine.endpointsOf(secret);
    return primary === undefined ? undefined : `${primary.host}:${primary.port}`;
  } catch {
    return undefined;
  }
}

/** The AWSPENDING version of this rotation; it must have a value, i.e. createSecret has completed. */
async function loadPending<S extends RotatableSecret>(context: RotationContext<S>): Promise<S> {
  const value = await context.secrets.findVersionValue(context.secret.arn, context.event.clientRequestToken);
  if (value === undefined) {
    throw new StagingLabelError('AWSPENDING version has no value yet: createSecret has not completed', {
      field: 'ClientRequestToken',
    });
  }
  const pending = context.engine.parseSecret(parseSecretJson(value, 'AWSPENDING'), 'AWSPENDING');
  context.logger.debug('Read the AWSPENDING version', { username: pending.username, endpoint: describeEndpoint(context, pending) });
  return pending;
}

/**
 * createSecret for both strategies: store `nextFields(current)` with a new password as AWSPENDING under the
 * rotation's token, unless that version already has a value. `nextFields` runs first, so a secret that
 * cannot be rotated fails before anything is generated or written. PutSecretValue itself says whether a
 * value exists: it refuses a different value for a token that has one (an earlier attempt, or a concurrent
 * invocation, stored it first; that value is kept), which saves the GetSecretValue AWS's templates make first.
 */
async function createPendingVersion<S extends RotatableSecret>(
  context: RotationContext<S>,
  nextFields: (current: S) => SecretJson,
): Promise<void> {
  const { secrets, secret, event, config, logger } = context;
  const current = await loadCurrent(context);
  const fields = nextFields(current);
  if (secrets.hasVersionValue(secret.arn, event.clientRequestToken)) {
    logger.info('AWSPENDING version already has a value; keeping it');
    return;
  }
  const password = await secrets.randomPassword(config.password);
  const stored = await secrets.putPending(secret.arn, event.clientRequestToken, JSON.stringify({ ...fields, password }));
  if (stored) logger.info('Stored the new AWSPENDING version', { username: fields.username });
  else logger.info('AWSPENDING version already has a value; keeping it');
}

/**
 * The confused-deputy check that runs before anything touches the database: pending must point at the same
 * engine, server and database as current (host compared case-insensitively, trailing dot ignored), and may
 * not turn TLS off: a pending version that did would move every consumer to plaintext.
 */
function assertSameResource<S extends RotatableSecret>(engine: EngineAdapter<S>, current: S, pending: S): void {
  const expected = engine.resourceOf(current);
  const actual = engine.resourceOf(pending);
  for (const field of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (expected[field] !== actual[field]) {
      throw new ResourceMismatchError(`Field "${field}" differs between the AWSCURRENT and AWSPENDING secrets`, { field });
    }
  }
  if (current.ssl !== false && pending.ssl === false) {
    throw new ResourceMismatchError('Field "ssl" of the AWSPENDING secret turns TLS off where AWSCURRENT uses it', { field: 'ssl' });
  }
}

/** How long a session's close may hold a step that is already failing or done. */
const CLOSE_GRACE_MS = 500;

/** The deadline of the step running now; a local run without one gets the default budget. */
function stepDeadline(): StepDeadline {
  return currentDeadline() ?? StepDeadline.fromContext(undefined);
}

/** Closes a session without letting a server that does not answer hold the step (adapters' close never throws). */
async function closeWithin(session: { close(): Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([session.close(), new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS);
    timer.unref();
  })]);
  clearTimeout(timer);
}

/**
 * Opens a session within the step's deadline, trying again while the server is busy (ENGINE_BUSY or a
 * transient failure before login). A session that arrives after the deadline is closed, never left open.
 */
function openSession<Session extends UserSession | AdminSession>(operation: string, open: () => Promise<Session>): Promise<Session> {
  const deadline = stepDeadline();
  return deadline.within(operation, () => withRetries(open, { deadline }), (late) => void closeWithin(late));
}

/** Opens a session, runs `use` within the step's deadline, and always closes it. */
async function withSession<T, Session extends UserSession | AdminSession>(
  operation: string,
  open: () => Promise<Session>,
  use: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(`the ${operation} login`, open);
  try {
    return await stepDeadline().within(operation, () => use(session));
  } finally {
    await closeWithin(session);
  }
}

/** Logs in with `secret` and closes: proof the credentials work, nothing more. */
async function proveLogin<S extends RotatableSecret>(engine: EngineAdapter<S>, secret: S, login: CredentialsRole): Promise<void> {
  await withSession(`${login} credentials`, () => engine.connect(secret, login), async () => undefined);
}

/** testSecret for both strategies: log in with AWSPENDING and run the engine's probe as that user. */
async function testPendingVersion<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  const pending = await loadPending(context);
  context.logger.debug('Logging in with AWSPENDING', { username: pending.username });
  await withSession('test probe', () => context.engine.connect(pending, 'pending'), (session) => session.verify());
  context.logger.info('AWSPENDING credentials log in and pass the probe', { username: pending.username });
}

/** finishSecret for both strategies: move AWSCURRENT to this version; Secrets Manager moves AWSPREVIOUS. */
async function finishPendingVersion<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  const { secrets, secret, event, logger } = context;
  const previous = versionWithLabel(secret, StagingLabel.Current);
  await secrets.moveCurrent(secret.arn, event.clientRequestToken, previous);
  secrets.forget(secret.arn);
  logger.info('Moved AWSCURRENT to the new version', { previousVersion: previous });
}

export {
  assertSameResource,
  createPendingVersion,
  finishPendingVersion,
  loadCurrent,
  loadPending,
  openSession,
  proveLogin,
  testPendingVersion,
  withSession,
};
