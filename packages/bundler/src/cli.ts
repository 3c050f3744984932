import { parseArgs } from 'node:util';
import { bundleCommand, bundleHandler } from './bundle.js';

// Usage (from a package's `package` script):
//   rotation-bundle <engine> <src/strategy.ts>...            handlers: dist/<engine>-<strategy>.zip
//   rotation-bundle --command <name> <src/entry.ts> [--external <module>]...   tools: dist/<name>.mjs
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { command: { type: 'string' }, external: { type: 'string', multiple: true } },
});
if (values.command !== undefined) {
  const [entry] = positionals;
  if (entry === undefined) {
    console.error('usage: rotation-bundle --command <name> <src/entry.ts> [--external <module>]...');
    process.exit(2);
  }
  console.log(await bundleCommand(process.cwd(), entry, values.command, values.external ?? []));
} else {
  const [engine, ...entries] = positionals;
  if (engine === undefined || entries.length === 0) {
    console.error('usage: rotation-bundle <engine> <src/strategy.ts>...');
    process.exit(2);
  }
  for (const entry of entries) {
    const result = await bundleHandler(process.cwd(), { engine, entry });
    console.log(`${result.name}.zip  ${(result.zipBytes / 1024).toFixed(1)} KiB zipped, ${(result.bundleBytes / 1024).toFixed(1)} KiB bundled`);
  }
}
