import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Strategy } from '../contract/engine-fixture.js';
import { type CrashProxy, startCrashProxy } from '../crash-proxy/crash-proxy.js';
import type { Credentials } from '../database-server.js';
import { RotationDriver, type RotationOutcome } from '../rotation-driver.js';
import type { LocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';
import { waitUntil } from '../wait-until.js';
import { type HandlerProcess, type HandlerProcessOptions, startHandlerProcess } from './handler-process.js';
import { type ConnectionLimit, SCALE_SERVERS, type ScaleServer } from './scale-servers.js';
import { maximum, median, percentile } from './statistics.js';

/** One scale run: `rotations` secrets of as many users on one server, all rotated at once. */
interface ScaleOptions {
  readonly engine: string;
  readonly strategy: Strategy;
  readonly rotations: number;
  /** The server's connection cap, where the server can be capped (PostgreSQL's max_connections is 100). */
  readonly maxConnections: number;
  /** How each handler process starts; the invocations are spread over `handlerProcesses` of them. */
  readonly handler: HandlerProcessOptions;
  readonly handlerProcesses: number;
  readonly sm: LocalSecretsManager;
}

/** What one scale run did; failures are counted by the step that failed and its error code. */
interface ScaleResult {
  readonly handler: string;
  readonly rotations: number;
  readonly connectionLimit: ConnectionLimit | null;
  readonly completed: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly wallMs: number;
  readonly rotationMs: { readonly median: number; readonly p95: number; readonly max: number };
  /**
   * The most connections open at once: at the counting proxy, and as the server counted them (sampled, the
   * harness's own connections taken off). Null where the server cannot count.
   */
  readonly peakConnections: { readonly proxy: number; readonly server: number | null };
  /** Connections still open once every rotation had returned (the harness's own taken off). */
  readonly leftOpen: { readonly proxy: number; readonly server: number | null };
  /** Secrets left with a rotation in progress (AWSPENDING on a version that is not AWSCURRENT) before the retry. */
  readonly leftInProgress: number;
  /** The service's retry of each failed rotation (one at a time per handler process), and how it ended. */
  readonly retry: { readonly rotations: number; readonly completed: number; readonly failed: Readonly<Record<string, number>> };
}

/** How often the server's own connection count is sampled while the rotations run. */
const SAMPLE_EVERY_MS = 50;

/** How long connections may take to close after the last rotation returned. */
const CLOSE_GRACE_MS = 5_000;

/** A rotation the service could not start (RotateSecret itself failed). */
function notStarted(error: unknown): RotationOutcome {
  return { token: '', steps: [], ok: false, error };
}

/** "setSecret ENGINE_BUSY" for a failed rotation. */
function failureKey(outcome: RotationOutcome): string {
  const failedStep = outcome.steps.at(-1)?.step ?? 'RotateSecret';
  const code = (outcome.error as { code?: unknown } | undefined)?.code;
  return `${failedStep} ${typeof code === 'string' ? code : 'untyped'}`;
}

function countFailures(outcomes: readonly RotationOutcome[]): Record<string, number> {
  const failed: Record<string, number> = {};
  for (const outcome of outcomes.filter((each) => !each.ok)) {
    const key = failureKey(outcome);
    failed[key] = (failed[key] ?? 0) + 1;
  }
  return failed;
}

/** The server's count, or null when it cannot count (FerretDB without serverStatus connections). */
async function serverCount(server: ScaleServer): Promise<number | null> {
  const count = await server.connections().catch(() => Number.NaN);
  return Number.isFinite(count) ? count : null;
}

/** N users and their secrets on the server, pointing at the proxy; the master secret too for alternating users. */
async function createSecrets(options: ScaleOptions, server: ScaleServer, proxy: CrashProxy, run: string): Promise<string[]> {
  const { target } = server;
  const secretFor = (credentials: Credentials) => ({ ...target.secretFor(credentials), host: proxy.host, port: proxy.port });
  const client = options.sm.client();
  const create = async (name: string, value: Record<string, unknown>) =>
    (await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }))).ARN as string;
  const master = options.strategy === 'alternating-users' ? { masterarn: await create(`scale-${run}-master`, secretFor(target.master)) } : {};
  const users: Credentials[] = [];
  for (let index = 0; index < options.rotations; index++) {
    const user = { username: `scale_${run}_${index}`, password: `Init-${run}-${index}-pass` };
    await target.createUser(user);
    users.push(user);
  }
  return inBatches(users, 16, (user, index) => create(`scale-${run}-${index}`, { ...secretFor(user), ...master }));
}

/** Maps `items` with at most `width` calls in flight. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/**
 * Rotates `rotations` secrets of as many users on one server at the same moment, through the local driver and
 * a counting proxy, with the invocations spread over a few handler processes. Reports what completed, what
 * failed by step and code, the wall time, the peak connections, what was left open, and how the service's
 * retry of the failures ended.
 */
async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const start = SCALE_SERVERS[options.engine];
  if (start === undefined) throw new Error(`no scale server for ${options.engine}`);
  await using server = await start(options.maxConnections);
  await using proxy = await startCrashProxy(server.target.host, server.target.port, 'raw');
  const run = Math.random().toString(36).slice(2, 8);
  const arns = await createSecrets(options, server, proxy, run);
  const processes: HandlerProcess[] = [];
  try {
    for (let index = 0; index < Math.max(1, options.handlerProcesses); index++) processes.push(await startHandlerProcess(options.handler));
    const handlerFor = (index: number) => (processes[index % processes.length] as HandlerProcess).invoke;
    const driver = new RotationDriver({ secretsManager: options.sm.client(), handler: handlerFor(0) });

    const baseline = await serverCount(server);
    const beyondBaseline = (count: number | null) => (count === null || baseline === null ? null : count - baseline);
    proxy.reset();
    let serverPeak = baseline;
    const sampler = setInterval(() => {
      void serverCount(server).then((count) => {
        if (count !== null && serverPeak !== null) serverPeak = Math.max(serverPeak, count);
      });
    }, SAMPLE_EVERY_MS);
    const durations: number[] = [];
    const started = performance.now();
    const outcomes = await Promise.all(
      arns.map(async (arn, index) => {
        const began = performance.now();
        const outcome = await driver.rotate(arn, { handler: handlerFor(index) }).catch(notStarted);
        durations.push(performance.now() - began);
        return outcome;
      }),
    );
    const wallMs = performance.now() - started;
    clearInterval(sampler);

    const proxyPeak = proxy.peakConnections();
    await waitUntil('connections to close', async () => {
      if (proxy.openConnections() > 0) throw new Error('still open');
    }, { timeoutMs: CLOSE_GRACE_MS, intervalMs: 50 }).catch(() => undefined);
    const leftOpen = { proxy: proxy.openConnections(), server: beyondBaseline(await serverCount(server)) };

    const failedArns = arns.filter((_, index) => !outcomes[index]?.ok);
    const inProgress = await Promise.all(failedArns.map(async (arn) => (await driver.pendingToken(arn)) !== undefined));
    const retried = await inBatches(failedArns, processes.length, (arn, index) =>
      driver.resume(arn, { handler: handlerFor(index) }).catch(notStarted),
    );
    return {
      handler: `${options.engine}-${options.strategy}`,
      rotations: options.rotations,
      connectionLimit: server.limit ?? null,
      completed: outcomes.filter((outcome) => outcome.ok).length,
      failed: countFailures(outcomes),
      wallMs,
      rotationMs: { median: median(durations), p95: percentile(durations, 95), max: maximum(durations) },
      peakConnections: { proxy: proxyPeak, server: beyondBaseline(serverPeak) },
      leftOpen,
      leftInProgress: inProgress.filter(Boolean).length,
      retry: { rotations: retried.length, completed: retried.filter((outcome) => outcome.ok).length, failed: countFailures(retried) },
    };
  } finally {
    await Promise.all(processes.map((handler) => handler.stop()));
  }
}

export { runScale };
export type { ScaleOptions, ScaleResult };
