import { ensureFerretDb, expectedDocumentDbKind } from '@rotation-lambdas/test-env';

/** Vitest global setup: builds FerretDB once when it is the server the tests will use. */
async function setup(): Promise<void> {
  if ((await expectedDocumentDbKind()) === 'ferretdb') await ensureFerretDb();
}

export { setup };
