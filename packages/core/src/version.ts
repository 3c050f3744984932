/** Defined by the bundler (esbuild `define`) as the release version; absent when core runs unbundled. */
declare const __ROTATION_LAMBDAS_VERSION__: string | undefined;

/**
 * The rotation-lambdas release this code belongs to (lockstep, the root package.json's version), as the
 * bundler stamps it into every handler zip and the `rotate` command. `0.0.0-dev` when core runs unbundled,
 * as in its own tests.
 */
const ROTATION_LAMBDAS_VERSION: string = typeof __ROTATION_LAMBDAS_VERSION__ === 'string' ? __ROTATION_LAMBDAS_VERSION__ : '0.0.0-dev';

export { ROTATION_LAMBDAS_VERSION };
