import { createHash } from 'node:crypto';

/** A selector (Redis 7+): its own commands, key patterns and channels, each as ACL rule tokens. */
interface AclSelector {
  readonly commands: readonly string[];
  readonly keys: readonly string[];
  readonly channels: readonly string[];
}

/** A user as `ACL GETUSER` describes it, reduced to rule tokens that `ACL SETUSER` accepts back. */
interface AclUser {
  readonly flags: readonly string[];
  /** SHA-256 hex digests of the user's passwords. */
  readonly passwords: readonly string[];
  readonly commands: readonly string[];
  /** Key pattern rules (`~pattern`, `%R~pattern`, `%W~pattern`). */
  readonly keys: readonly string[];
  /** Channel rules (`&pattern`); undefined on Redis 6.0, which has no channel permissions. */
  readonly channels: readonly string[] | undefined;
  /** Selectors; undefined before Redis 7.0, which has none. */
  readonly selectors: readonly AclSelector[] | undefined;
}

/** Flags that describe what a user may do and so are copied to the clone; on/off and nopass are not. */
const COPIED_FLAGS = new Set(['sanitize-payload', 'skip-sanitize-payload']);

/** A RESP2 map (a flat `[key, value, …]` array) as a Map; anything else is not a GETUSER reply. */
function replyMap(reply: unknown): Map<string, unknown> | undefined {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) return undefined;
  const map = new Map<string, unknown>();
  for (let index = 0; index < reply.length; index += 2) {
    const key = reply[index];
    if (typeof key !== 'string') return undefined;
    map.set(key, reply[index + 1]);
  }
  return map;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Rule tokens from a field that Redis 7 reports as one space-separated string and Redis 6 as a list of bare
 * patterns. Splitting on spaces is exact: ACL SETUSER refuses patterns and channels containing whitespace.
 */
function ruleTokens(value: unknown, prefix: string): string[] {
  if (typeof value === 'string') return value.split(' ').filter((token) => token !== '');
  return strings(value).map((pattern) => `${prefix}${pattern}`);
}

function parseSelector(reply: unknown): AclSelector {
  const map = replyMap(reply) ?? new Map<string, unknown>();
  return {
    commands: ruleTokens(map.get('commands'), ''),
    keys: ruleTokens(map.get('keys'), '~'),
    channels: ruleTokens(map.get('channels'), '&'),
  };
}

/**
 * Reads an `ACL GETUSER` reply (RESP2) from Redis 6.0 to 7.x or Valkey; undefined when the user does not
 * exist (a nil reply). Throws when the reply has an unknown shape rather than copy rules half-understood.
 */
function parseAclUser(reply: unknown): AclUser | undefined {
  if (reply === null) return undefined;
  const map = replyMap(reply);
  if (map === undefined || !map.has('flags') || !map.has('commands') || !map.has('keys')) {
    throw new Error('ACL GETUSER reply has an unexpected shape');
  }
  return {
    flags: strings(map.get('flags')),
    passwords: strings(map.get('passwords')),
    commands: ruleTokens(map.get('commands'), ''),
    keys: ruleTokens(map.get('keys'), '~'),
    channels: map.has('channels') ? ruleTokens(map.get('channels'), '&') : undefined,
    selectors: Array.isArray(map.get('selectors')) ? (map.get('selectors') as unknown[]).map(parseSelector) : undefined,
  };
}

/**
 * Quotes a token for the argument splitter Redis runs inside a selector `( … )` (sdssplitargs): in double
 * quotes only `\` and `"` need escaping. Unquoted, a `"` or `'` inside a pattern would start a quoted
 * section, and Redis would silently store another pattern.
 */
function quoteSelectorToken(token: string): string {
  return `"${token.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** One `( … )` rule recreating a selector, every token quoted. */
function selectorRule(selector: AclSelector): string {
  const tokens = [...selector.commands, ...selector.keys, 'resetchannels', ...selector.channels];
  return `(${tokens.map(quoteSelectorToken).join(' ')})`;
}

/** The SHA-256 hex digest ACL SETUSER takes after `#`: the password itself never reaches the server's ACL. */
function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/**
 * The ACL SETUSER rules that make a user an exact copy of `original`'s privileges (commands, key patterns
 * with their %R/%W forms, channels, selectors, payload sanitisation) with its own `passwordHashes`, enabled.
 * Each rule is one command argument: nothing here is ever joined into a string Redis would split.
 */
function cloneRules(original: AclUser, passwordHashes: readonly string[]): string[] {
  return [
    // Not `reset`: it also sets `sanitize-payload`, which a user made without it does not have and no rule
    // can take away again. Each part is reset on its own instead, where the server has that part.
    'resetpass',
    'resetkeys',
    ...(original.channels === undefined ? [] : ['resetchannels']),
    ...(original.selectors === undefined ? [] : ['clearselectors']),
    '-@all',
    ...original.flags.filter((flag) => COPIED_FLAGS.has(flag)),
    'on',
    ...passwordHashes.map((hash) => `#${hash}`),
    ...original.commands,
    ...original.keys,
    ...(original.channels ?? []),
    ...(original.selectors ?? []).map(selectorRule),
  ];
}

/**
 * The rules that give a user exactly these passwords (by hash); its privileges stay. `enable` also turns
 * the user on, which only rotation's own clone gets: whether the original is on is the operator's call.
 */
function passwordRules(passwordHashes: readonly string[], enable: boolean): string[] {
  return [...(enable ? ['on'] : []), 'resetpass', ...passwordHashes.map((hash) => `#${hash}`)];
}

export { cloneRules, parseAclUser, passwordHash, passwordRules, quoteSelectorToken, selectorRule };
export type { AclSelector, AclUser };
