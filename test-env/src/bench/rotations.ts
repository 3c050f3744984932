import type { EngineTarget, Strategy } from '../contract/engine-fixture.js';
import { DemoSecrets } from '../demo/demo-secrets.js';
import type { RotationLambda } from '../handler-loader.js';
import { RotationDriver, STEPS } from '../rotation-driver.js';
import type { LocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';
import type { CrashProxy } from '../crash-proxy/crash-proxy.js';
import { type HandlerMemory, type HandlerProcessOptions, startHandlerProcess } from './handler-process.js';

/** Per-rotation measurements. */
interface RotationSample {
  readonly wallMs: number;
  readonly secretsManagerCalls: number;
  readonly connections: number;
}

/** Where and how to rotate: the local services, a counting proxy in front of the server, the handler process. */
interface RotationBench {
  readonly sm: LocalSecretsManager;
  readonly target: EngineTarget;
  readonly proxy: CrashProxy;
  readonly strategy: Strategy;
  /** How each handler process starts (the zip's index.mjs, the Node binary and flags, the environment). */
  readonly handler: HandlerProcessOptions;
}

function secretsThroughProxy(bench: RotationBench): DemoSecrets {
  // Secrets point at the proxy, so every connection a handler opens is counted; the master too.
  return new DemoSecrets(bench.sm, bench.target, (credentials) => ({
    ...bench.target.secretFor(credentials),
    host: bench.proxy.host,
    port: bench.proxy.port,
  }));
}

async function sample(bench: RotationBench, rotate: () => Promise<{ ok: boolean; error: unknown }>): Promise<RotationSample> {
  bench.sm.resetCalls();
  bench.proxy.reset();
  const started = performance.now();
  const outcome = await rotate();
  const wallMs = performance.now() - started;
  if (!outcome.ok) throw new Error(`rotation failed: ${String((outcome.error as { code?: string }).code)}`);
  // The driver's own RotateSecret call is the service's, not the function's.
  return { wallMs, secretsManagerCalls: bench.sm.callCount() - 1, connections: bench.proxy.connections() };
}

/**
 * `count` full rotations of one secret by one warm handler process (the usual Lambda case: the four steps
 * reach the same container), measuring wall time, Secrets Manager calls and database connections, and the
 * process's peak memory over all of them.
 */
async function measureWarmRotations(bench: RotationBench, count: number): Promise<{ samples: RotationSample[]; memory: HandlerMemory }> {
  await using container = await startHandlerProcess(bench.handler);
  const secrets = secretsThroughProxy(bench);
  const { arn } = await secrets.userWithSecret(bench.strategy);
  const driver = new RotationDriver({ secretsManager: bench.sm.client(), handler: container.invoke });
  const samples: RotationSample[] = [];
  for (let index = 0; index < count; index++) samples.push(await sample(bench, () => driver.rotate(arn)));
  return { samples, memory: await container.memory() };
}

/** Rotations where every step runs in a fresh handler process (each step a cold container): the worst case. */
async function measureColdRotations(bench: RotationBench, count: number): Promise<RotationSample[]> {
  const secrets = secretsThroughProxy(bench);
  const { arn } = await secrets.userWithSecret(bench.strategy);
  const samples: RotationSample[] = [];
  for (let index = 0; index < count; index++) {
    const containers = await Promise.all(STEPS.map(() => startHandlerProcess(bench.handler)));
    try {
      const handlers: RotationLambda[] = containers.map((container) => container.invoke);
      const driver = new RotationDriver({ secretsManager: bench.sm.client(), handler: handlers[0] as RotationLambda });
      samples.push(
        await sample(bench, async () => {
          const token = await driver.start(arn);
          for (const [position, step] of STEPS.entries()) {
            const outcome = await driver.invoke(step, arn, token, handlers[position]);
            if (!outcome.ok) return outcome;
          }
          return { ok: true, error: undefined };
        }),
      );
    } finally {
      await Promise.all(containers.map((container) => container.stop()));
    }
  }
  return samples;
}

export { measureColdRotations, measureWarmRotations };
export type { RotationBench, RotationSample };
