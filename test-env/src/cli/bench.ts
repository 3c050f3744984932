import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBenchTable, TARGETS } from '../bench/bench-table.js';
import { runBench } from '../bench/run-bench.js';
import { selectedEngines } from '../engine-targets.js';
import { repositoryRoot } from '../handler-zips.js';

// Usage: bench [--cold-starts 11] [--rotations 21] [--node /path/to/node22]   (ENGINES selects engines)
const { values } = parseArgs({
  options: {
    'cold-starts': { type: 'string', default: '11' },
    rotations: { type: 'string', default: '21' },
    node: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('bench [--cold-starts N] [--rotations N] [--node PATH]: size, cold init, rotation time, calls per built zip');
  process.exit(0);
}
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const results = await runBench({
  engines: selectedEngines(),
  coldStarts: Number(values['cold-starts']),
  rotations: Number(values.rotations),
  ...(values.node === undefined ? {} : { node: values.node }),
  progress: (line) => console.error(`… ${line}`),
});
const coldInitNode = execFileSync(values.node ?? process.execPath, ['--version'], { encoding: 'utf8' }).trim();
const output = join(repositoryRoot(), 'bench-results', 'latest.json');
await mkdir(join(repositoryRoot(), 'bench-results'), { recursive: true });
await writeFile(
  output,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, coldInitNode, targets: TARGETS, results }, null, 2)}\n`,
);
console.log(formatBenchTable(results));
console.log(`\nCold init on Node ${coldInitNode}, rotations on Node ${process.version}; medians of ${values['cold-starts']} cold starts and ${values.rotations} rotations; JSON: ${output}`);
