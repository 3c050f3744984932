import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';

/** The SCRAM mechanisms MongoDB stores a credential for. */
type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

/** One stored credential as `usersInfo` with `showCredentials` reports it (RFC 5802 StoredKey and its inputs). */
interface ScramCredential {
  readonly iterationCount: number;
  readonly salt: string;
  readonly storedKey: string;
}

/** More iterations than any server sets by default by far: such a credential is not checked here. */
const MAX_ITERATIONS = 1_000_000;

/** The credential of `mechanism` in a showCredentials entry, if it has the expected shape. */
function scramCredential(credentials: unknown, mechanism: ScramMechanism): ScramCredential | undefined {
  const entry = (credentials as Record<string, unknown> | undefined)?.[mechanism] as Record<string, unknown> | undefined;
  const { iterationCount, salt, storedKey } = entry ?? {};
  if (typeof iterationCount !== 'number' || typeof salt !== 'string' || typeof storedKey !== 'string') return undefined;
  return { iterationCount, salt, storedKey };
}

/**
 * Whether `password` is the password a stored SCRAM credential was made from: the StoredKey recomputed as
 * the client side of RFC 5802 derives it. MongoDB's SCRAM-SHA-1 takes the MONGODB-CR digest
 * (`md5("<user>:mongo:<password>")`) as its password; SCRAM-SHA-256 takes SASLprep of the password itself.
 * Undefined for an iteration count too large to check here.
 */
function matchesScramCredential(mechanism: ScramMechanism, username: string, password: string, credential: ScramCredential): boolean | undefined {
  if (!Number.isInteger(credential.iterationCount) || credential.iterationCount < 1 || credential.iterationCount > MAX_ITERATIONS) return undefined;
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha1';
  const input = mechanism === 'SCRAM-SHA-256' ? saslprep(password) : createHash('md5').update(`${username}:mongo:${password}`, 'utf8').digest('hex');
  const salted = pbkdf2Sync(input, Buffer.from(credential.salt, 'base64'), credential.iterationCount, hash === 'sha256' ? 32 : 20, hash);
  const storedKey = createHash(hash).update(createHmac(hash, salted).update('Client Key').digest()).digest();
  const expected = Buffer.from(credential.storedKey, 'base64');
  return expected.length === storedKey.length && timingSafeEqual(expected, storedKey);
}

/**
 * Whether `password` is the user's password by every credential the server stores for it; undefined when the
 * reply holds none this function can check (a server that does not show credentials).
 */
function holdsScramPassword(credentials: unknown, username: string, password: string): boolean | undefined {
  let checked = false;
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1'] as const) {
    const credential = scramCredential(credentials, mechanism);
    if (credential === undefined) continue;
    const matches = matchesScramCredential(mechanism, username, password, credential);
    if (matches === undefined) return undefined;
    if (!matches) return false;
    checked = true;
  }
  return checked ? true : undefined;
}

export { holdsScramPassword };
