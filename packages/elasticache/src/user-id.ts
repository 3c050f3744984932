import { createHash } from 'node:crypto';

/** CreateUser's user id rules as AWS's constructs enforce them: 1–40 characters, a letter first, no `--`, no trailing `-`. */
const MAX_USER_ID_LENGTH = 40;
const HASH_LENGTH = 8;

/**
 * The ElastiCache user id rotation gives the user named `username`: a readable slug of the name plus eight
 * hex digits of its SHA-256, so the same name always maps to the same id and two names whose slugs collide
 * still differ. The result is lower case (ElastiCache stores ids that way) and always a valid id.
 */
function userIdForName(username: string): string {
  const hash = createHash('sha256').update(username, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  let slug = username
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '');
  if (!/^[a-z]/.test(slug)) slug = `u-${slug}`;
  slug = slug.slice(0, MAX_USER_ID_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${slug}-${hash}`;
}

export { MAX_USER_ID_LENGTH, userIdForName };
