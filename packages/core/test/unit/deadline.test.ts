import { describe, expect, it } from 'vitest';
import { createAlternatingUsersRotation } from '../../src/alternating-users.js';
import { readRotationConfig } from '../../src/config.js';
import { DEADLINE_MARGIN_MS, StepDeadline } from '../../src/deadline.js';
import { EngineAuthError, EngineConnectionError, EngineTimeoutError, RotationError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { StepMeasurement } from '../../src/metrics.js';
import { withRetries } from '../../src/retry.js';
import { createSingleUserRotation } from '../../src/single-user.js';
import { FakeEngine, FakeSecretsManager } from './fakes.js';

const never = () => new Promise<never>(() => undefined);
const unexpected = () => new RotationError('unexpected');

describe('step deadline', () => {
  it('ends the step the margin before the Lambda would, and uses a fixed budget without a context', () => {
    const now = () => 1_000;
    expect(StepDeadline.fromContext({ getRemainingTimeInMillis: () => 10_000 }, now).at).toBe(1_000 + 10_000 - DEADLINE_MARGIN_MS);
    expect(StepDeadline.fromContext(undefined, now).at).toBe(1_000 + 30_000 - DEADLINE_MARGIN_MS);
    expect(new StepDeadline(1_500, now).clamp(5_000)).toBe(750);
    expect(new StepDeadline(1_500, now).clamp(200)).toBe(200);
    expect(new StepDeadline(500, now).clamp(5_000)).toBe(250);
  });

  it('fails an operation that outlives the deadline with DEADLINE_EXCEEDED naming it, and hands a late result on', async () => {
    const deadline = new StepDeadline(Date.now() + 50);
    const late: string[] = [];

    await expect(
      deadline.within('the master login', () => new Promise<string>((resolve) => setTimeout(() => resolve('session'), 120)), (value) => late.push(value)),
    ).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', operation: 'the master login' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(late).toEqual(['session']);
  });

  it('reports a driver timeout cut to the deadline as the deadline', async () => {
    const deadline = new StepDeadline(Date.now() + 30);
    const timedOut = () => new Promise<never>((_, reject) => setTimeout(() => reject(new EngineTimeoutError('statement', 'master')), 29));

    await expect(deadline.within('clone creation', timedOut)).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', cause: expect.objectContaining({ code: 'ENGINE_TIMEOUT' }) });
  });
});

describe('retries within the deadline', () => {
  const server = (failures: RotationError[]) => {
    let calls = 0;
    return {
      calls: () => calls,
      attempt: async () => {
        calls += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
    };
  };
  const noPause = { pause: async () => undefined, random: () => 0.5 };

  it('tries a busy server again until it has room', async () => {
    const full = Object.assign(new EngineConnectionError('full', 'current'), { code: 'ENGINE_BUSY' });
    const fake = server([full, full, new EngineConnectionError('reset', 'current', { transient: true })]);

    expect(await withRetries(fake.attempt, { deadline: new StepDeadline(Date.now() + 10_000), ...noPause })).toBe('ok');
    expect(fake.calls()).toBe(4);
  });

  it('never retries a refused password or an unexpected failure', async () => {
    for (const failure of [new EngineAuthError('refused', 'current'), unexpected()]) {
      const fake = server([failure]);
      await expect(withRetries(fake.attempt, { deadline: new StepDeadline(Date.now() + 10_000), ...noPause })).rejects.toBe(failure);
      expect(fake.calls()).toBe(1);
    }
  });

  it('lets the busy error stand when the deadline leaves no room for another attempt', async () => {
    const full = Object.assign(new EngineConnectionError('full', 'current'), { code: 'ENGINE_BUSY' });
    const fake = server([full, full, full, full]);

    await expect(withRetries(fake.attempt, { deadline: new StepDeadline(Date.now() + 200), ...noPause })).rejects.toBe(full);
    expect(fake.calls()).toBe(1);
  });
});

describe('handlers within the Lambda timeout (fake engine)', () => {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const event = (Step: string) => ({ Step, SecretId: 'app', ClientRequestToken: 'tok' });

  it('fails a step whose login never answers with DEADLINE_EXCEEDED before the Lambda timeout, logged and counted', async () => {
    // Prepare: a server that accepts the login and never answers.
    const sm = new FakeSecretsManager({ username: 'app', password: 'pw', host: 'db' });
    const engine = new FakeEngine();
    engine.users.set('app', { password: 'pw', marker: undefined });
    engine.connect = never;
    const errors: unknown[] = [];
    const measurements: StepMeasurement[] = [];
    const logger: Logger = { ...silent, error: (_message, fields) => errors.push(fields?.error) };
    const handler = createSingleUserRotation({
      engine,
      config: readRotationConfig({}, engine.defaults),
      secretsManager: sm as never,
      logger,
      metrics: (measurement) => measurements.push(measurement),
    });
    sm.startRotation('tok');
    await handler(event('createSecret'));
    const timeoutMs = DEADLINE_MARGIN_MS + 300;

    // Act
    const started = Date.now();
    const failure = await handler(event('setSecret'), { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) }).catch((error: unknown) => error);

    // Assess
    expect(Date.now() - started).toBeLessThan(timeoutMs);
    expect(failure).toMatchObject({ code: 'DEADLINE_EXCEEDED', step: 'setSecret' });
    expect(errors).toEqual([expect.objectContaining({ code: 'DEADLINE_EXCEEDED' })]);
    expect(measurements.at(-1)).toMatchObject({ step: 'setSecret', outcome: 'failed', errorCode: 'DEADLINE_EXCEEDED' });
  });

  it('fails a step whose master secret read never answers, with the Secrets Manager call named', async () => {
    const sm = new FakeSecretsManager({ username: 'app', password: 'pw', host: 'db', masterarn: 'master' });
    const engine = new FakeEngine();
    engine.users.set('app', { password: 'pw', marker: undefined });
    const send = sm.send.bind(sm);
    sm.send = (command, options?: { abortSignal?: AbortSignal }) =>
      command.constructor.name === 'GetSecretValueCommand' && command.input.SecretId === 'master'
        ? new Promise((_, reject) => options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))))
        : send(command);
    const handler = createAlternatingUsersRotation({ engine, config: readRotationConfig({}, engine.defaults), secretsManager: sm as never, logger: silent, metrics: () => undefined });
    sm.startRotation('tok');
    await handler(event('createSecret'));

    const started = Date.now();
    const failure = await handler(event('setSecret'), { getRemainingTimeInMillis: () => DEADLINE_MARGIN_MS + 300 - (Date.now() - started) }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'DEADLINE_EXCEEDED', operation: 'Secrets Manager GetSecretValue' });
  });
});
