import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerEnvironment } from '../handler-loader.js';
import { type EmulatedLambda, startEmulatedLambda } from '../lambda-runtime/emulated-lambda.js';
import { ensureLambdaNodeRuntimes, LAMBDA_NODE_MAJORS, type LambdaNodeMajor } from '../lambda-runtime/lambda-node-runtimes.js';
import { LAMBDA_MIN_MEMORY_MB, lambdaNodeOptions } from '../lambda-runtime/lambda-node-flags.js';
import { ensureRuntimeInterfaceEmulator } from '../lambda-runtime/runtime-interface-emulator.js';
import { RotationDriver } from '../rotation-driver.js';
import { expectTwoRotations } from './assertions.js';
import { ContractContext } from './contract-context.js';
import type { EngineFixture, Strategy } from './engine-fixture.js';

/**
 * A cold install builds the runtime interface client's native addon and the emulator (minutes on a loaded
 * machine); a warm one checks two binaries. The budget is for the cold case.
 */
const INSTALL_BUDGET_MS = 20 * 60_000;
/** One test: an emulator start, a cold runtime start, two rotations of four invocations each. */
const ROTATIONS_BUDGET_MS = 180_000;

/** The zip a bundle came from: `dist/<name>/index.mjs` is the unpacked `dist/<name>.zip`. */
function zipOf(bundle: string): string {
  return `${dirname(bundle)}.zip`;
}

/** Runs the invocations of `use` against a zip in the emulator, always stopping it. */
async function withEmulatedLambda<T>(
  zip: string,
  nodeMajor: LambdaNodeMajor,
  env: HandlerEnvironment,
  use: (lambda: EmulatedLambda) => Promise<T>,
): Promise<T> {
  const lambda = await startEmulatedLambda({ zip, nodeMajor, env });
  try {
    return await use(lambda);
  } finally {
    await lambda.stop();
  }
}

/** Asserts the runtime process ran the pinned Node binary with the options Lambda's bootstrap sets for 128 MB. */
async function expectLambdaRuntimeProcess(lambda: EmulatedLambda, nodeMajor: LambdaNodeMajor): Promise<void> {
  const [node, ...options] = await lambda.runtimeCommandLine();
  expect(node).toBe((await ensureLambdaNodeRuntimes()).node(nodeMajor));
  expect(options.slice(0, -1)).toEqual(lambdaNodeOptions(LAMBDA_MIN_MEMORY_MB));
  expect(options.at(-1)).toMatch(/aws-lambda-ric\/index\.mjs$/);
}

/**
 * The proof that a released zip works as Lambda runs it: for each Lambda Node major and strategy, the built
 * zip is unpacked read-only and run as `index.handler` inside AWS's Runtime Interface Emulator with the runtime
 * interface client, 128 MB of memory and Lambda's environment. The rotation driver invokes it over the
 * emulator's HTTP API, against the local Secrets Manager and the engine's real server, twice (a cold start,
 * then a warm container).
 */
function describeLambdaRuntimeContract(fixture: EngineFixture, strategies: readonly Strategy[] = ['single-user', 'alternating-users']): void {
  describe(`built zips under the Lambda Runtime Interface Emulator (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    beforeAll(async () => {
      await Promise.all([context.start(), ensureLambdaNodeRuntimes(), ensureRuntimeInterfaceEmulator()]);
    }, INSTALL_BUDGET_MS);
    afterAll(() => context.stop());

    for (const nodeMajor of LAMBDA_NODE_MAJORS) {
      for (const strategy of strategies) {
        it(
          `rotates twice as index.handler on Node ${nodeMajor} with 128 MB (${strategy})`,
          async () => {
            // Prepare
            const { user, arn } = await context.userWithSecret(strategy);
            const zip = zipOf(fixture.bundles[strategy]);

            await withEmulatedLambda(zip, nodeMajor, context.handlerEnv(), async (lambda) => {
              const driver = new RotationDriver({ secretsManager: context.sm.client(), handler: lambda.invoke });

              // Act
              const first = await driver.rotate(arn);
              const afterFirst = await context.current(arn);
              const second = await driver.rotate(arn);

              // Assess
              expectTwoRotations(await context.stages(arn), first, second);
              const current = await context.current(arn);
              expect(await context.target.canLogin(current)).toBe(true);
              if (strategy === 'single-user') {
                expect(await context.target.canLogin(user)).toBe(false);
              } else {
                // Alternating: the clone after the first rotation, the original again after the second.
                expect([afterFirst.username, current.username]).toEqual([`${user.username}_clone`, user.username]);
                expect(await context.target.canLogin(afterFirst)).toBe(true);
              }
              await expectLambdaRuntimeProcess(lambda, nodeMajor);
              // Eight invocations, each a START/END/REPORT of the emulator around the handler's own JSON lines.
              const output = lambda.output();
              expect(output.match(/^REPORT RequestId: /gm)).toHaveLength(8);
              expect(output.match(/"message":"Rotation step started"/g)).toHaveLength(8);
              context.leaks.addOutput(output);
            });
          },
          ROTATIONS_BUDGET_MS,
        );
      }
    }

    it('writes no password or secret string to the runtime output', () => {
      context.collectStoredSecrets();
      expect(context.leaks.stats().outputs).toBe(LAMBDA_NODE_MAJORS.length * strategies.length);
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

export { describeLambdaRuntimeContract, withEmulatedLambda, zipOf };
