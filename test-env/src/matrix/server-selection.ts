import { containerRuntime } from '../container-runtime.js';
import { ensureServerImage } from '../containers/server-images.js';
import { type MatrixEngine, SERVER_MATRIX, type ServerProduct, type ServerSpec, serverUrl } from '../server-versions.js';

/** Whether a row can run here, and if not, why (the skip reason the tests print). */
type ServerAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

/**
 * The rows ROTATION_TEST_SERVERS selects for `engine`, in matrix order: unset or `all` for every row,
 * otherwise a comma-separated list of row ids (`postgres-17`) and the words `native` and `containers`.
 */
function selectedServers(engine: MatrixEngine, products?: readonly ServerProduct[], env: NodeJS.ProcessEnv = process.env): ServerSpec[] {
  const wanted = (env.ROTATION_TEST_SERVERS ?? '').split(',').map((token) => token.trim()).filter(Boolean);
  const all = wanted.length === 0 || wanted.includes('all');
  return SERVER_MATRIX.filter(
    (spec: ServerSpec) =>
      spec.engine === engine &&
      (products === undefined || products.includes(spec.product)) &&
      (all || wanted.includes(spec.id) || wanted.includes(spec.origin === 'native' ? 'native' : 'containers')),
  );
}

/**
 * Whether `spec` can run here. Native rows always can (their servers install on first use), and so can a row
 * a ROTATION_TEST_*_URL points at an external server. A container row needs a runtime; on the project's
 * podman it also needs a recipe, and its image is built here and now
 * (minutes once, then cached) so that no test hook waits for a build.
 */
async function serverAvailability(spec: ServerSpec): Promise<ServerAvailability> {
  if (spec.origin === 'native' || serverUrl(spec) !== undefined) return { available: true };
  const runtime = await containerRuntime();
  if (!runtime.available) return { available: false, reason: runtime.reason ?? 'no container runtime answers' };
  if (runtime.buildsImages) {
    if (spec.recipe === undefined) {
      return {
        available: false,
        reason: `no Debian package of ${spec.label} exists to build an image from, and the project's podman pulls nothing (no registry is reachable); it runs where Docker can pull ${spec.image}`,
      };
    }
    await ensureServerImage(spec);
  }
  return { available: true };
}

export { selectedServers, serverAvailability };
export type { ServerAvailability };
