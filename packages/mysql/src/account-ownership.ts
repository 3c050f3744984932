import type { RotationMarker } from '@rotation-lambdas/core';
import { nativePasswordHash } from './password-statements.js';
import type { StoredCredential } from './privilege-reader.js';

/** Plugins that check a password the server stores a form of. */
const PASSWORD_PLUGINS = new Set(['mysql_native_password', 'caching_sha2_password', 'sha256_password', 'ed25519', 'parsec', 'mysql_old_password']);

/** Plugins that let an account in by who it is on the server's host, with no password at all. */
const PASSWORDLESS_PLUGINS = new Set(['auth_socket', 'unix_socket']);

/**
 * The marker that stands for the user as a whole: the one every account carries alike. A marker naming a
 * secret on any account wins (so another rotation's account is never taken for unmarked); accounts that
 * disagree or lack one make the user unmarked, and ownership must then be proven another way.
 */
function userMarker(markers: ReadonlyMap<string, RotationMarker | undefined>): RotationMarker | undefined {
  const all = [...markers.values()];
  const [first] = all;
  if (first !== undefined && all.every((marker) => marker?.secretArn === first.secretArn && marker?.alternateOf === first.alternateOf)) {
    return first;
  }
  return all.find((marker) => marker?.secretArn !== undefined);
}

/**
 * Whether every account of the user needs a password, from the grant tables: false when one lets anyone in
 * (an empty password, a socket plugin), undefined when a plugin or MariaDB's alternatives leave it open.
 */
function requiresPassword(credentials: ReadonlyMap<string, StoredCredential>): boolean | undefined {
  if (credentials.size === 0) return undefined;
  let required = true;
  for (const { plugin, credential, alternatives } of credentials.values()) {
    if (PASSWORDLESS_PLUGINS.has(plugin) || (PASSWORD_PLUGINS.has(plugin) && credential === '')) return false;
    if (alternatives || !PASSWORD_PLUGINS.has(plugin)) required = false;
  }
  return required ? true : undefined;
}

/**
 * Whether `password` is the password of every account of the user, compared with the stored hash where the
 * plugin's form is unsalted (mysql_native_password); undefined when any account uses another plugin.
 */
function holdsPassword(credentials: ReadonlyMap<string, StoredCredential>, password: string): boolean | undefined {
  if (credentials.size === 0) return undefined;
  const hash = nativePasswordHash(password);
  let holds = true;
  for (const { plugin, credential, alternatives } of credentials.values()) {
    if (plugin !== 'mysql_native_password' || alternatives) return undefined;
    if (credential.toUpperCase() !== hash) holds = false;
  }
  return holds;
}

export { holdsPassword, requiresPassword, userMarker };
