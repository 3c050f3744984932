import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlackHole } from '../aws/black-hole.js';
import { type CrashProxy, startCrashProxy } from '../crash-proxy/crash-proxy.js';
import type { Credentials } from '../database-server.js';
import type { RotationLambda } from '../handler-loader.js';
import { type CrashRow, type FaultRow, writeReliabilityResults } from '../reliability-results.js';
import type { RotationDriver, RotationOutcome } from '../rotation-driver.js';
import { expectSucceeded, hasUnfinishedRotation } from './assertions.js';
import { ContractContext, testPassword } from './contract-context.js';
import type { EngineFixture, Probe, Strategy } from './engine-fixture.js';

/** Longest a failing step may take: the Lambda timeout the templates set, with a margin for a cold start. */
const STEP_BUDGET_MS = 25_000;

/** The function timeout of the deadline faults: short enough to be hit, long enough for a login on a loaded machine. */
const DEADLINE_TEST_TIMEOUT_MS = 5_000;

interface Rotatable {
  readonly user: Credentials;
  readonly arn: string;
  readonly probe: Probe | undefined;
}

function codeOf(outcome: RotationOutcome): string {
  return outcome.ok ? 'none' : String((outcome.error as { code?: unknown } | undefined)?.code ?? 'untyped');
}

/**
 * Crash-point matrix and fault table for one engine, both strategies. Every database command a rotation
 * sends is, in turn, the last thing that happens before the connection dies (the proxy cuts it after the
 * server ran the command); so are Secrets Manager's PutSecretValue and UpdateSecretVersionStage. Each time
 * the service's retry (in a new container) must converge: AWSCURRENT logs in, no AWSPENDING left, the clone
 * holds the original's privileges. Faults must fail with a typed error inside the Lambda budget and leave
 * nothing a retry cannot finish.
 */
function describeReliabilityContract(fixture: EngineFixture): void {
  const protocol = fixture.wireProtocol;
  if (protocol === undefined) throw new Error(`fixture ${fixture.engine} has no wireProtocol`);

  describe(`reliability (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    let proxy: CrashProxy;
    const enforcesPrivileges = fixture.enforcesPrivileges ?? true;
    beforeAll(async () => {
      await context.start();
      proxy = await startCrashProxy(context.target.host, context.target.port, protocol);
      context.routeThrough(proxy);
    });
    afterAll(async () => {
      await proxy?.stop();
      await context.stop();
    });

    async function rotatable(strategy: Strategy): Promise<Rotatable> {
      const { user, arn } = await context.userWithSecret(strategy);
      const probe = strategy === 'alternating-users' && enforcesPrivileges ? await context.target.grantProbe(user.username) : undefined;
      return { user, arn, probe };
    }

    /** Why the secret and the database are not yet in the converged state, or undefined when they are. */
    async function divergence(subject: Rotatable, strategy: Strategy): Promise<string | undefined> {
      if (hasUnfinishedRotation(await context.stages(subject.arn))) return 'AWSPENDING left behind';
      const current = await context.current(subject.arn);
      if (!(await context.target.canLogin(current))) return 'AWSCURRENT does not log in';
      if (strategy === 'alternating-users') {
        const clone = `${subject.user.username}_clone`;
        if (!(await context.target.userExists(clone))) return 'clone missing';
        if (subject.probe !== undefined && !(await context.target.canUseProbe(current, subject.probe))) {
          return 'current user lacks the original privilege';
        }
      }
      return undefined;
    }

    /** The service's retry: the same token from createSecret, in a new container. */
    async function retry(driver: RotationDriver, subject: Rotatable, token: string, strategy: Strategy): Promise<RotationOutcome> {
      return driver.runSteps(subject.arn, token, { handler: await context.coldHandler(strategy) });
    }

    /** One rotation with a crash armed by `arm`, then the service's retry: did it converge? */
    async function crashPoint(
      driver: RotationDriver,
      strategy: Strategy,
      point: string,
      arm: () => void,
      crashed: (first: RotationOutcome) => boolean,
    ): Promise<CrashRow> {
      const subject = await rotatable(strategy);
      proxy.reset();
      arm();
      const first = await driver.rotate(subject.arn);
      const didCrash = crashed(first);
      proxy.reset();
      context.sm.clearFaults();
      const outcome = first.ok ? first : await retry(driver, subject, first.token, strategy);
      const why = outcome.ok ? await divergence(subject, strategy) : `retry failed: ${codeOf(outcome)}`;
      return {
        handler: `${fixture.engine}-${strategy}`,
        point,
        failedStep: first.ok ? undefined : first.steps.at(-1)?.step,
        crashed: didCrash,
        converged: why === undefined,
        detail: why ?? codeOf(first),
      };
    }

    for (const strategy of ['single-user', 'alternating-users'] as const) {
      const handlerName = `${fixture.engine}-${strategy}`;

      it(`converges after a crash at every side effect (${strategy})`, async () => {
        // Prepare: a clean rotation tells which commands the handler sends, in order.
        const driver = await context.driver(strategy);
        const baseline = await rotatable(strategy);
        proxy.reset();
        expectSucceeded(await driver.rotate(baseline.arn));
        const commands = proxy.commands();
        expect(commands.length).toBeGreaterThan(0);
        const rows: CrashRow[] = [];

        // Act: crash after each database command in turn, then let the service retry.
        for (const [index, command] of commands.entries()) {
          rows.push(
            await crashPoint(driver, strategy, `db #${index + 1} ${command}`, () => proxy.crashAfter(index + 1), () => proxy.crashed()),
          );
        }

        // Crash right after each Secrets Manager side effect: the call took effect, the caller saw a failure.
        for (const operation of ['PutSecretValue', 'UpdateSecretVersionStage']) {
          const arm = () => context.sm.injectFault({ operation, error: 'InternalServiceError', times: 3, afterApplying: true });
          rows.push(await crashPoint(driver, strategy, `sm ${operation}`, arm, (first) => !first.ok));
        }
        writeReliabilityResults(`${handlerName}-crash`, 'crash', rows);

        // Assess: every point converged, and the crashes really happened.
        expect(rows.filter((row) => !row.converged)).toEqual([]);
        expect(rows.filter((row) => row.crashed).length).toBeGreaterThan(commands.length / 2);
      });

      it(`fails each fault with a typed error inside the Lambda budget, and a retry finishes the job (${strategy})`, async () => {
        const driver = await context.driver(strategy);
        const rows: FaultRow[] = [];

        type FaultOptions = { handler?: RotationLambda; subject?: Rotatable; expectAbsorbed?: boolean; timeoutMs?: number };

        /** One rotation with the fault injected (by a driver with the fault's function timeout), then the fault cleared. */
        async function underFault(subject: Rotatable, inject: () => void, options: FaultOptions): Promise<{ first: RotationOutcome; ms: number }> {
          const faulty = options.timeoutMs === undefined ? driver : await context.driver(strategy, {}, options.timeoutMs);
          inject();
          const started = performance.now();
          const first = await faulty.rotate(subject.arn, options.handler === undefined ? {} : { handler: options.handler });
          const ms = performance.now() - started;
          proxy.reset();
          context.sm.clearFaults();
          return { first, ms };
        }

        async function fault(name: string, inject: () => void, options: FaultOptions = {}): Promise<void> {
          const subject = options.subject ?? (await rotatable(strategy));
          const before = await context.current(subject.arn);
          const { first, ms } = await underFault(subject, inject, options);
          const current = await context.current(subject.arn);
          const unchanged = first.ok || (current.password === before.password && (await context.target.canLogin(subject.user)));
          const outcome = first.ok ? first : await retry(driver, subject, first.token, strategy);
          const recovered = outcome.ok && (await divergence(subject, strategy)) === undefined;
          rows.push({ handler: handlerName, fault: name, code: codeOf(first), ms: Math.round(ms), unchanged, recovered });
          // Every step finishes or fails inside the function's timeout: one step failing ends the rotation.
          expect(ms).toBeLessThan(options.timeoutMs ?? STEP_BUDGET_MS);
          if (options.expectAbsorbed) expectSucceeded(first);
          else expect(codeOf(first), name).toMatch(/^[A-Z_]+$/);
        }

        await fault('database unreachable', () => proxy.refuseConnections(true));
        const setSecretStart = await commandsBeforeSetSecret(driver, strategy);
        await fault('database restarting mid-step', () => proxy.interruptAt(setSecretStart + 1));
        await fault('statement timeout', () => proxy.stallAt(setSecretStart + 1), {
          handler: await context.handler(strategy, { STATEMENT_TIMEOUT_SECONDS: '1' }),
        });
        const wrong = await rotatable(strategy);
        const wrongArn = await context.createSecret({
          ...context.secretJson({ username: wrong.user.username, password: testPassword() }),
          ...(strategy === 'alternating-users' ? { masterarn: await context.masterArn() } : {}),
        });
        await fault('authentication failure', () => undefined, { subject: { ...wrong, arn: wrongArn } });
        await fault('Secrets Manager throttling', () => context.sm.injectFault({ operation: 'GetSecretValue', error: 'ThrottlingException', times: 2 }), {
          expectAbsorbed: true,
        });
        await fault('Secrets Manager 5xx', () => context.sm.injectFault({ operation: 'PutSecretValue', error: 'InternalServiceError', times: 3 }));
        // A server slower than the function's timeout (a statement that answers after 10 s, the statement
        // timeout, against a 5 s function), and a Secrets Manager endpoint that accepts and never answers.
        await fault('database slower than the Lambda timeout', () => proxy.stallAt(setSecretStart + 1), { timeoutMs: DEADLINE_TEST_TIMEOUT_MS });
        await using blackHole = await startBlackHole();
        await fault('Secrets Manager never answers', () => undefined, {
          handler: await context.handler(strategy, { SECRETS_MANAGER_ENDPOINT: blackHole.endpoint }),
          timeoutMs: DEADLINE_TEST_TIMEOUT_MS,
        });
        writeReliabilityResults(`${handlerName}-faults`, 'faults', rows);

        // Assess: a fault may leave a change (a statement that timed out client-side can still have run), but
        // never one a retry cannot finish; the authentication failure cannot be retried into success (the
        // secret holds a wrong password), so it must leave everything as it was.
        expect(rows.filter((row) => row.fault !== 'authentication failure' && !row.recovered)).toEqual([]);
        expect(rows.filter((row) => !row.unchanged && !row.recovered)).toEqual([]);
        expect(rows.find((row) => row.fault === 'authentication failure')?.code).toBe('ENGINE_AUTH');
        expect(rows.find((row) => row.fault === 'database unreachable')?.code).toBe('ENGINE_UNREACHABLE');
        expect(rows.find((row) => row.fault === 'statement timeout')?.code).toBe('ENGINE_TIMEOUT');
        expect(rows.find((row) => row.fault === 'database slower than the Lambda timeout')?.code).toBe('DEADLINE_EXCEEDED');
        expect(rows.find((row) => row.fault === 'Secrets Manager never answers')?.code).toBe('DEADLINE_EXCEEDED');
      });

      it(`keeps the secret and the database consistent when two invocations of each step race (${strategy})`, async () => {
        const subject = await rotatable(strategy);
        const driver = await context.driver(strategy);
        const token = await driver.start(subject.arn);
        const handlers = [await context.coldHandler(strategy), await context.coldHandler(strategy)];
        const errors: unknown[] = [];

        for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
          const outcomes = await Promise.all(handlers.map((handler) => driver.invoke(step, subject.arn, token, handler)));
          for (const outcome of outcomes) if (!outcome.ok) errors.push(outcome.error);
        }
        const settled = await retry(driver, subject, token, strategy);

        expectSucceeded(settled);
        expect(await divergence(subject, strategy)).toBeUndefined();
        for (const error of errors) expect(String((error as { code?: unknown }).code)).toMatch(/^[A-Z_]+$/);
      });
    }

    /** How many commands a rotation sends before setSecret's first, so faults can target setSecret. */
    async function commandsBeforeSetSecret(driver: RotationDriver, strategy: Strategy): Promise<number> {
      const subject = await rotatable(strategy);
      proxy.reset();
      const token = await driver.start(subject.arn);
      expectSucceeded(await driver.invoke('createSecret', subject.arn, token));
      const count = proxy.commands().length;
      expectSucceeded(await driver.runSteps(subject.arn, token));
      proxy.reset();
      return count;
    }
  });
}

export { describeReliabilityContract };
