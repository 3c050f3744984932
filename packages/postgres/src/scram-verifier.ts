import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { saslprep } from '@mongodb-js/saslprep';

/** PostgreSQL's default iteration count (`scram_iterations`, 4096 through PostgreSQL 17). */
const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

/**
 * The password as PostgreSQL's pg_saslprep() prepares it: pure ASCII as is; otherwise RFC 4013 SASLprep
 * (unassigned code points allowed), or the raw string when SASLprep prohibits it, as the server does.
 */
function preparePassword(password: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is exactly \x00-\x7f here.
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  try {
    return saslprep(password, { allowUnassigned: true });
  } catch {
    return password;
  }
}

/**
 * A SCRAM-SHA-256 verifier in the form PostgreSQL stores (`SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`,
 * RFC 5802/7677). Sending this instead of the password keeps the password out of statement text, server
 * logs and pg_stat_activity: the server recognises the format and stores it as is.
 */
function scramSha256Verifier(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const salted = pbkdf2Sync(preparePassword(password), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export { preparePassword, scramSha256Verifier };
