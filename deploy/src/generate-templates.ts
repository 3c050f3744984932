import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';
import { repositoryRoot } from './repository.js';
import { renderTemplate } from './sam-template.js';

/** The committed template of a handler: `deploy/<name>.yaml`. */
function templatePath(name: string, root: string = repositoryRoot()): string {
  return join(root, 'deploy', `${name}.yaml`);
}

/**
 * Writes `deploy/<name>.yaml` for every handler profile and returns the paths written. With `check`, writes
 * nothing and returns the templates whose committed text differs from what the generator produces.
 */
async function generateTemplates(options: { readonly check?: boolean; readonly root?: string } = {}): Promise<string[]> {
  const root = options.root ?? repositoryRoot();
  const touched: string[] = [];
  for (const profile of HANDLER_PROFILES) {
    const path = templatePath(profile.name, root);
    const text = renderTemplate(profile);
    if (options.check) {
      const committed = await readFile(path, 'utf8').catch(() => undefined);
      if (committed !== text) touched.push(path);
    } else {
      await writeFile(path, text);
      touched.push(path);
    }
  }
  return touched;
}

// Run as a script (npm run generate [-- --check]): write the templates, or list stale ones and fail.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const check = process.argv.includes('--check');
  const paths = await generateTemplates({ check });
  process.stdout.write(paths.map((path) => `${check ? 'stale' : 'wrote'} ${path}\n`).join(''));
  if (check && paths.length > 0) process.exitCode = 1;
}

export { generateTemplates, templatePath };
