import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBenchTable, TARGETS } from '../bench/bench-table.js';
import { runBench } from '../bench/run-bench.js';
import { selectedEngines } from '../engine-targets.js';
import { repositoryRoot } from '../handler-zips.js';
import { ensureLambdaNode, lambdaNodeFlags } from '../lambda-node.js';

// Usage: bench [--cold-starts 11] [--rotations 100] [--node PATH] [--memory 128] [--root CHECKOUT]   (ENGINES selects engines)
const { values } = parseArgs({
  options: {
    'cold-starts': { type: 'string', default: '11' },
    rotations: { type: 'string', default: '100' },
    node: { type: 'string' },
    memory: { type: 'string', default: '128' },
    root: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(`bench [options]: size, cold init, warm peak RSS, rotation time, calls and connections per built zip
  --cold-starts N   cold starts per zip (11)          --rotations N   warm rotations in one process (100)
  --node PATH       Node binary (default: Node 22 from the npm registry, cached)
  --memory MB       Lambda memory size whose V8 flags to use (128; 0 = none)
  --root DIR        measure the zips built in another checkout
  ENGINES=postgres,mysql,...  selects engines`);
  process.exit(0);
}
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const node = values.node ?? (await ensureLambdaNode());
const memoryMb = Number(values.memory);
const nodeFlags = memoryMb > 0 ? lambdaNodeFlags(memoryMb) : [];
const results = await runBench({
  engines: selectedEngines(),
  coldStarts: Number(values['cold-starts']),
  rotations: Number(values.rotations),
  node,
  nodeFlags,
  ...(values.root === undefined ? {} : { root: values.root }),
  progress: (line) => console.error(`… ${line}`),
});
const handlerNode = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const output = join(repositoryRoot(), 'bench-results', 'latest.json');
await mkdir(join(repositoryRoot(), 'bench-results'), { recursive: true });
await writeFile(
  output,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, handlerNode, nodeFlags, targets: TARGETS, results }, null, 2)}\n`,
);
console.log(formatBenchTable(results));
console.log(`\nHandlers on Node ${handlerNode} ${nodeFlags.join(' ')}; medians of ${values['cold-starts']} cold starts and ${values.rotations} warm rotations; JSON: ${output}`);
