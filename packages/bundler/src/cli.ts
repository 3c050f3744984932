import { bundleHandler } from './bundle.js';

// Usage (from an engine package's `package` script): rotation-bundle <engine> <entry.ts>...
const [engine, ...entries] = process.argv.slice(2);
if (engine === undefined || entries.length === 0) {
  console.error('usage: rotation-bundle <engine> <src/strategy.ts>...');
  process.exit(2);
}
for (const entry of entries) {
  const result = await bundleHandler(process.cwd(), { engine, entry });
  console.log(`${result.name}.zip  ${(result.zipBytes / 1024).toFixed(1)} KiB zipped, ${(result.bundleBytes / 1024).toFixed(1)} KiB bundled`);
}
