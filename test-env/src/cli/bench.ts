import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBenchTable, formatScaleTable, TARGETS } from '../bench/bench-table.js';
import { ensurePythonTemplates } from '../bench/python-templates.js';
import { type BenchResult, runBench } from '../bench/run-bench.js';
import { runScale, type ScaleResult } from '../bench/scale.js';
import type { Strategy } from '../contract/engine-fixture.js';
import { selectedEngines } from '../engine-targets.js';
import { findHandlerZips, repositoryRoot } from '../handler-zips.js';
import { lambdaNodeOptions } from '../lambda-runtime/lambda-node-flags.js';
import { ensureLambdaNodeRuntimes } from '../lambda-runtime/lambda-node-runtimes.js';
import { startLocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';

const HELP = `bench [options]   (ENGINES=postgres,mysql,documentdb,elasticache selects engines)
Footprint: zip size, cold import (and AWS's Python template's), peak RSS over warm rotations, calls, connections.
  --cold-starts N        cold starts per zip (11)         --rotations N   warm rotations in one process (100)
  --node PATH            Node binary (default: the nodejs22.x build test-env installs from the npm registry)
  --memory MB            Lambda memory size whose V8 flags the footprint uses (128; 0 = none)
  --no-python            skip the comparison with AWS's Python templates
  --root DIR             measure the zips built in another checkout
Scale: N secrets of N users on one server, all rotated at once.
  --scale N,N,...        rotations per run (100,300,1000; "none" skips)
  --strategies S,S       single-user,alternating-users
  --max-connections N    the server's connection cap where it can be set (100)
  --scale-processes N    handler processes the invocations are spread over (4)
  --only footprint|scale run one part`;

const { values } = parseArgs({
  options: {
    'cold-starts': { type: 'string', default: '11' },
    rotations: { type: 'string', default: '100' },
    node: { type: 'string' },
    memory: { type: 'string', default: '128' },
    'no-python': { type: 'boolean' },
    root: { type: 'string' },
    scale: { type: 'string', default: '100,300,1000' },
    strategies: { type: 'string', default: 'single-user,alternating-users' },
    'max-connections': { type: 'string', default: '100' },
    'scale-processes': { type: 'string', default: '4' },
    only: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const progress = (line: string) => console.error(`… ${line}`);
const node = values.node ?? (await ensureLambdaNodeRuntimes()).node(22);
const handlerNode = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const memoryMb = Number(values.memory);
const nodeFlags = memoryMb > 0 ? lambdaNodeOptions(memoryMb) : [];
const report: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, handlerNode, targets: TARGETS };

async function footprint(): Promise<BenchResult[]> {
  const python = values['no-python']
    ? undefined
    : await ensurePythonTemplates().catch((error: unknown) => {
        progress(`no comparison with AWS's Python templates: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        return undefined;
      });
  return runBench({
    engines: selectedEngines(),
    coldStarts: Number(values['cold-starts']),
    rotations: Number(values.rotations),
    node,
    nodeFlags,
    ...(values.root === undefined ? {} : { root: values.root }),
    ...(python === undefined ? {} : { python }),
    progress,
  });
}

async function scale(counts: readonly number[]): Promise<ScaleResult[]> {
  const strategies = (values.strategies ?? '').split(',').map((name) => name.trim()) as Strategy[];
  const zips = findHandlerZips(values.root).filter((zip) => selectedEngines().includes(zip.engine) && strategies.includes(zip.strategy));
  const results: ScaleResult[] = [];
  await using sm = await startLocalSecretsManager();
  for (const zip of zips) {
    for (const rotations of counts) {
      progress(`${zip.name}: ${rotations} rotations at once`);
      results.push(
        await runScale({
          engine: zip.engine,
          strategy: zip.strategy,
          rotations,
          maxConnections: Number(values['max-connections']),
          handlerProcesses: Number(values['scale-processes']),
          sm,
          handler: { indexFile: join(repositoryRoot(values.root), 'packages', zip.engine, 'dist', zip.name, 'index.mjs'), node, env: { SECRETS_MANAGER_ENDPOINT: sm.endpoint } },
        }),
      );
    }
  }
  return results;
}

if (values.only !== 'scale') {
  const results = await footprint();
  Object.assign(report, { nodeFlags, results });
  console.log(formatBenchTable(results));
  console.log(`\nHandlers on Node ${handlerNode} ${nodeFlags.join(' ')}; medians of ${values['cold-starts']} cold starts, peak RSS over ${values.rotations} warm rotations`);
}
const counts = values.scale === 'none' ? [] : (values.scale ?? '').split(',').map(Number).filter((count) => count > 0);
if (values.only !== 'footprint' && counts.length > 0) {
  const results = await scale(counts);
  report.scale = results;
  console.log(`\n${formatScaleTable(results)}\n\nHandlers on Node ${handlerNode}, invocations spread over ${values['scale-processes']} processes`);
}

// Parts not run this time keep their previous numbers.
const output = join(repositoryRoot(), 'bench-results', 'latest.json');
const previous = await readFile(output, 'utf8').then((text) => JSON.parse(text) as Record<string, unknown>, () => ({}));
await mkdir(join(repositoryRoot(), 'bench-results'), { recursive: true });
await writeFile(output, `${JSON.stringify({ ...previous, ...report }, null, 2)}\n`);
console.log(`JSON: ${output}`);
