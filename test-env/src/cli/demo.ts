import { parseArgs } from 'node:util';
import { runDemo } from '../demo/run-demo.js';

// Usage: demo [--engines postgres,mysql] [--rotations 3]   (ENGINES works too)
const { values } = parseArgs({
  options: { engines: { type: 'string' }, rotations: { type: 'string', default: '3' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('demo [--engines postgres,...] [--rotations N]: rotate a user of each local engine with the built zips');
  process.exit(0);
}
const engines = (values.engines ?? process.env.ENGINES ?? 'postgres').split(',').map((engine) => engine.trim()).filter(Boolean);
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'demo';
process.env.AWS_SECRET_ACCESS_KEY ??= 'demo';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const results = await runDemo({ engines, rotations: Number(values.rotations), write: (line) => console.log(line) });
process.exit(results.length > 0 && results.every((result) => result.succeeded === result.rotations) ? 0 : 1);
