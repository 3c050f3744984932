import { randomInt } from 'node:crypto';
import { AwsServiceError } from '../aws/service-error.js';

/** The GetRandomPassword parameters; absent ones take the service defaults. */
interface PasswordRules {
  readonly passwordLength?: number;
  readonly excludeCharacters?: string;
  readonly excludeNumbers?: boolean;
  readonly excludePunctuation?: boolean;
  readonly excludeUppercase?: boolean;
  readonly excludeLowercase?: boolean;
  readonly includeSpace?: boolean;
  readonly requireEachIncludedType?: boolean;
}

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMBERS = '0123456789';
/** Every printable ASCII punctuation character: the set GetRandomPassword documents. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const DEFAULT_LENGTH = 32;
const MAX_LENGTH = 4096;

function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message);
}

function pick(characters: string): string {
  return characters.charAt(randomInt(characters.length));
}

function shuffle(characters: string[]): string[] {
  for (let i = characters.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const swap = characters[i] as string;
    characters[i] = characters[j] as string;
    characters[j] = swap;
  }
  return characters;
}

/**
 * A password following GetRandomPassword's rules, drawn with `crypto.randomInt`. With RequireEachIncludedType
 * (the default) it holds at least one character of each included type that has characters left after
 * ExcludeCharacters; the space, when included, is never required.
 */
function generateRandomPassword(rules: PasswordRules): string {
  const length = rules.passwordLength ?? DEFAULT_LENGTH;
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw invalidParameter(`Password length must be between 1 and ${MAX_LENGTH}.`);
  }
  const excluded = new Set(rules.excludeCharacters ?? '');
  const allowed = (characters: string): string => [...characters].filter((char) => !excluded.has(char)).join('');

  const types = [
    rules.excludeLowercase === true ? '' : allowed(LOWERCASE),
    rules.excludeUppercase === true ? '' : allowed(UPPERCASE),
    rules.excludeNumbers === true ? '' : allowed(NUMBERS),
    rules.excludePunctuation === true ? '' : allowed(PUNCTUATION),
  ].filter((characters) => characters !== '');
  const space = rules.includeSpace === true ? allowed(' ') : '';
  const pool = types.join('') + space;
  if (pool === '') throw invalidParameter('The password rules exclude every character.');

  const required = rules.requireEachIncludedType === false ? [] : types.map(pick);
  if (required.length > length) {
    throw invalidParameter(`Password length ${length} is too short to include each of the ${required.length} character types.`);
  }
  const rest = Array.from({ length: length - required.length }, () => pick(pool));
  return shuffle([...required, ...rest]).join('');
}

export { generateRandomPassword, PUNCTUATION };
export type { PasswordRules };
