import { RotationStrategy } from './constants.js';
import { EngineAuthError, ResourceMismatchError } from './errors.js';
import {
  createRotationHandler,
  type RotationContext,
  type RotationHandler,
  type RotationHandlerOptions,
  type RotationSteps,
} from './rotation-handler.js';
import type { RotatableSecret } from './secret-fields.js';
import {
  assertSameResource,
  createPendingVersion,
  finishPendingVersion,
  loadCurrent,
  loadPending,
  openSession,
  proveLogin,
  testPendingVersion,
  withSession,
} from './steps.js';

/** createSecret: the same user with a new password; every other field copied from AWSCURRENT. */
function createSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return createPendingVersion(context, (current) => current.fields);
}

/**
 * setSecret: after the resource and username checks, log in with AWSCURRENT and change the user's own
 * password. When AWSCURRENT no longer logs in, this step is being retried after the change went through:
 * AWSPENDING must then log in, or the rotation is abandoned (AWS's rule: a current credential that does
 * not work is not rotated). AWS's templates also try AWSPREVIOUS here; that lets whoever controls an old
 * version "repair" the secret, so this implementation does not.
 */
async function setSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  const { engine, logger } = context;
  const current = await loadCurrent(context);
  const pending = await loadPending(context);
  assertSameResource(engine, current, pending);
  if (pending.username !== current.username) {
    throw new ResourceMismatchError('Field "username" differs between the AWSCURRENT and AWSPENDING secrets', {
      field: 'username',
    });
  }

  let session: Awaited<ReturnType<typeof engine.connect>>;
  logger.debug('Logging in with AWSCURRENT', { username: current.username });
  try {
    session = await openSession('the current credentials login', () => engine.connect(current, 'current'));
  } catch (currentFailure) {
    if (!(currentFailure instanceof EngineAuthError)) throw currentFailure;
    logger.debug('AWSCURRENT was refused; trying AWSPENDING, which an earlier attempt may have set', { username: pending.username });
    try {
      await proveLogin(engine, pending, 'pending');
    } catch {
      throw currentFailure;
    }
    logger.info('AWSPENDING credentials already log in; the password was set by an earlier attempt');
    return;
  }
  await withSession('password change', async () => session, (own) =>
    own.changeOwnPassword({ currentPassword: current.password, newPassword: pending.password }),
  );
  logger.info('Changed the password of the user', { username: current.username });
}

/** testSecret: AWSPENDING logs in and passes the engine's probe. */
function testSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return testPendingVersion(context);
}

/** finishSecret: AWSCURRENT moves to the new version. */
function finishSecret<S extends RotatableSecret>(context: RotationContext<S>): Promise<void> {
  return finishPendingVersion(context);
}

/** The single-user strategy's four steps. */
function singleUserSteps<S extends RotatableSecret>(): RotationSteps<S> {
  return { createSecret, setSecret, testSecret, finishSecret };
}

/** Builds the single-user handler: the secret's user changes its own password. */
function createSingleUserRotation<S extends RotatableSecret>(options: RotationHandlerOptions<S>): RotationHandler {
  return createRotationHandler(RotationStrategy.SingleUser, singleUserSteps<S>(), options);
}

export { createSingleUserRotation, singleUserSteps };
