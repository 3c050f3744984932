import { join } from 'node:path';
import type { EngineTarget, Strategy } from '../contract/engine-fixture.js';
import type { Credentials } from '../database-server.js';
import { ENGINE_TARGETS } from '../engine-targets.js';
import { extractZip, findHandlerZips, type HandlerZip } from '../handler-zips.js';
import { loadHandler } from '../handler-loader.js';
import { RotationDriver } from '../rotation-driver.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';
import { formatStages, mark, milliseconds } from './format.js';
import { DemoSecrets } from './demo-secrets.js';

/** What the demo did for one handler. */
interface DemoResult {
  readonly handler: string;
  readonly rotations: number;
  readonly succeeded: number;
  readonly medianMs: number;
}

/** Options of a demo run. */
interface DemoOptions {
  readonly engines: readonly string[];
  readonly rotations: number;
  readonly write: (line: string) => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function demoHandler(
  zip: HandlerZip,
  target: EngineTarget,
  sm: LocalSecretsManager,
  options: DemoOptions,
): Promise<DemoResult> {
  const { write } = options;
  const handler = await loadHandler(join(await extractZip(zip.file), 'index.mjs'), { SECRETS_MANAGER_ENDPOINT: sm.endpoint });
  const secrets = new DemoSecrets(sm, target);
  const { user, arn } = await secrets.userWithSecret(zip.strategy as Strategy);
  const driver = new RotationDriver({ secretsManager: sm.client(), handler });
  write(`\n${zip.name}  (handler loaded from ${zip.file.split('/').slice(-3).join('/')})`);
  write(`  created user ${JSON.stringify(user.username)} and secret ${arn.split(':').at(-1)}`);

  const seen: { label: string; credentials: Credentials }[] = [{ label: 'initial', credentials: user }];
  const times: number[] = [];
  let succeeded = 0;
  for (let rotation = 1; rotation <= options.rotations; rotation++) {
    const before = await secrets.stages(arn);
    const outcome = await driver.rotate(arn);
    const after = await secrets.stages(arn);
    const total = outcome.steps.reduce((sum, step) => sum + step.durationMs, 0);
    times.push(total);
    if (outcome.ok) succeeded += 1;
    const steps = outcome.steps.map((step) => `${step.step.replace('Secret', '')} ${milliseconds(step.durationMs)}`).join(', ');
    write(`  rotation ${rotation}: ${outcome.ok ? 'completed' : `FAILED (${String((outcome.error as { code?: string }).code)})`} in ${milliseconds(total)}  (${steps})`);
    write(`    labels before  ${formatStages(before)}`);
    write(`    labels after   ${formatStages(after)}`);
    seen.unshift({ label: `rotation ${rotation}`, credentials: await secrets.current(arn) });
    const checks = await Promise.all(
      seen.slice(0, 3).map(async ({ label, credentials }) => `${credentials.username} (${label}) ${mark(await target.canLogin(credentials))}`),
    );
    write(`    logins         ${checks.join('   ')}`);
  }
  return { handler: zip.name, rotations: options.rotations, succeeded, medianMs: median(times) };
}

/**
 * The main job on an embedded default: for each selected engine, start its server and a local Secrets
 * Manager, create a user and its secret, and rotate it a few times with each built handler zip, printing
 * the staging labels before and after, the step times, and which credentials log in.
 */
async function runDemo(options: DemoOptions): Promise<DemoResult[]> {
  const results: DemoResult[] = [];
  const zips = findHandlerZips();
  await using sm = await startLocalSecretsManager();
  for (const engine of options.engines) {
    const start = ENGINE_TARGETS[engine];
    const engineZips = zips.filter((zip) => zip.engine === engine);
    if (start === undefined || engineZips.length === 0) {
      options.write(`\n${engine}: no built handler zips or no test server; skipped (run npm run build)`);
      continue;
    }
    options.write(`\n== ${engine}: starting a local server`);
    await using target = await start();
    for (const zip of engineZips) results.push(await demoHandler(zip, target, sm, options));
  }
  options.write('\nSummary');
  for (const result of results) {
    options.write(`  ${mark(result.succeeded === result.rotations)} ${result.handler.padEnd(32)} ${result.succeeded}/${result.rotations} rotations, median ${milliseconds(result.medianMs)}`);
  }
  return results;
}

export { runDemo };
export type { DemoOptions, DemoResult };
