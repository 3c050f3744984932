import { AlternateUserConflictError, type AlternateUserChange, type RotationMarker } from '@rotation-lambdas/core';
import { defaultOptions, optionsClause, optionsStatement, sameOptions } from './account-options.js';
import { createIdentifiedClause, setPasswordStatement } from './password-statements.js';
import type { AccountState, PrivilegeReader } from './privilege-reader.js';
import { type AccountPrivileges, emptyPrivileges, privilegeStatements, proxyStatements, roleStatements } from './privileges.js';
import type { ServerCapabilities, ServerFacts } from './server-facts.js';
import { type Account, accountSql, literal, type Statement } from './sql.js';

/** The key of the user attribute (MySQL 8.0.21+) marking an account rotation created or adopted. */
const ROTATION_MARKER = 'rotation-lambdas';

/** The attribute JSON binding a clone account to the secret and the original. */
function markerAttribute(change: Pick<AlternateUserChange, 'secretArn' | 'original'>): string {
  return literal(JSON.stringify({ [ROTATION_MARKER]: { secret: change.secretArn, alternateOf: change.original } }));
}

/** Thrown (and wrapped by the adapter) when the original user has no account to copy. */
class OriginalMissingError extends Error {}

/**
 * One CREATE USER for every host the clone lacks: a single statement, so a crash cannot leave some of the
 * hosts made and others not (MySQL 8 makes it atomic; MariaDB has nothing to interrupt between hosts). The
 * TLS requirement and limits go in the same statement when the hosts agree on them, so the clone never
 * exists without them; the marker attribute goes in where the server keeps one.
 */
function createCloneStatement(
  facts: ServerFacts,
  caps: ServerCapabilities,
  change: AlternateUserChange,
  sources: readonly AccountState[],
): { statement: Statement; withOptions: boolean } {
  const first = sources[0];
  if (first === undefined) throw new OriginalMissingError('No account to create');
  const users = sources.map(
    ({ account, options }) => `${accountSql({ user: change.clone, host: account.host })} ${createIdentifiedClause(facts, caps, options.plugin, change.password)}`,
  );
  const withOptions = caps.alterUser && sources.every(({ options }) => sameOptions(options, first.options));
  const marker = caps.userAttributes ? ` ATTRIBUTE ${markerAttribute(change)}` : '';
  return {
    statement: { sql: `CREATE USER ${users.join(', ')}${withOptions ? ` ${optionsClause(first.options)}` : ''}${marker}`, secret: true },
    withOptions,
  };
}

/** Statements making one clone account equal the original account at the same host. */
function syncAccountStatements(
  facts: ServerFacts,
  caps: ServerCapabilities,
  clone: Account,
  source: AccountState,
  copy: AccountState,
  want: AccountPrivileges,
  have: AccountPrivileges,
): Statement[] {
  const options = optionsStatement(caps, clone, source.options, copy.options);
  return [
    ...(options === undefined ? [] : [options]),
    ...privilegeStatements(clone, want, have),
    ...roleStatements(clone, want, have, facts.flavour),
    ...proxyStatements(clone, want, have),
  ];
}

/**
 * Step 1 of the plan: the clone made to exist at exactly the original's hosts (only on the clone's turn). A
 * clone account at a host the original no longer has is dropped only when its marker binds it to this
 * secret: an account is never dropped because a secret named it, so any other is refused.
 */
function reconcileHosts(
  facts: ServerFacts,
  caps: ServerCapabilities,
  change: AlternateUserChange,
  originals: ReadonlyMap<string, AccountState>,
  clones: ReadonlyMap<string, AccountState>,
  markers: ReadonlyMap<string, RotationMarker | undefined>,
): { statements: Statement[]; created: Map<string, AccountState> } {
  const statements: Statement[] = [];
  const created = new Map<string, AccountState>();
  const missing = [...originals.values()].filter(({ account }) => !clones.has(account.host));
  if (missing.length > 0) {
    const { statement, withOptions } = createCloneStatement(facts, caps, change, missing);
    statements.push(statement);
    for (const source of missing) {
      const options = withOptions ? source.options : defaultOptions(source.options.plugin, facts.flavour === 'mariadb');
      created.set(source.account.host, { account: { user: change.clone, host: source.account.host }, options, defaultRole: '' });
    }
  }
  for (const host of clones.keys()) {
    if (originals.has(host)) continue;
    const marker = markers.get(host);
    if (marker?.secretArn !== change.secretArn || marker.alternateOf !== change.original) {
      throw new AlternateUserConflictError(
        'The alternate user has an account at a host the original has not, which rotation cannot prove it made; drop that account or give the original one there',
        { field: 'username', engine: 'mysql' },
      );
    }
    statements.push({ sql: `DROP USER ${accountSql({ user: change.clone, host })}` });
  }
  if (change.markClone && caps.userAttributes) {
    for (const host of clones.keys()) {
      if (originals.has(host)) statements.push({ sql: `ALTER USER ${accountSql({ user: change.clone, host })} ATTRIBUTE ${markerAttribute(change)}` });
    }
  }
  return { statements, created };
}

/** Step 2: the target's password on every account it keeps, in the original's plugin for that host. */
function passwordStatements(
  facts: ServerFacts,
  caps: ServerCapabilities,
  change: AlternateUserChange,
  originals: ReadonlyMap<string, AccountState>,
  clones: ReadonlyMap<string, AccountState>,
): Statement[] {
  const cloneIsTarget = change.target === change.clone;
  const targets = cloneIsTarget ? clones : originals;
  return [...targets]
    .filter(([host]) => originals.has(host))
    .map(([host, state]) =>
      setPasswordStatement(facts, caps, { user: change.target, host }, originals.get(host)?.options.plugin ?? state.options.plugin, change.password),
    );
}

/**
 * Every statement one applyAlternateUser needs, planned from the live state so that a run after a crash at
 * any earlier statement plans exactly what is still missing:
 * 1. when the clone's password is being set, the clone is made to exist at exactly the original's hosts
 *    (created, with the original's plugin, where missing; dropped where the original no longer is);
 * 2. the target's password, on every account it has at the original's hosts;
 * 3. for every host both have: TLS requirement and limits, privileges (revocations first), roles and
 *    default roles, proxy grants, all made equal to the original account at that host.
 * A clone host the original gained since the last turn is created on the clone's own turn: only then is
 * there a password to give it.
 */
async function planAlternateUser(
  reader: Pick<PrivilegeReader, 'accounts' | 'privileges' | 'markers'>,
  facts: ServerFacts,
  caps: ServerCapabilities,
  change: AlternateUserChange,
): Promise<Statement[]> {
  const originals = await reader.accounts(change.original);
  if (originals.size === 0) throw new OriginalMissingError('The original user has no login account');
  const clones = await reader.accounts(change.clone);
  const hosts =
    change.target === change.clone
      ? reconcileHosts(facts, caps, change, originals, clones, await reader.markers(change.clone, ROTATION_MARKER))
      : { statements: [], created: new Map<string, AccountState>() };
  const statements = [...hosts.statements, ...passwordStatements(facts, caps, change, originals, clones)];
  for (const [host, source] of originals) {
    const fresh = hosts.created.get(host);
    const copy = fresh ?? clones.get(host);
    if (copy === undefined) continue;
    const want = await reader.privileges(source);
    const have = fresh === undefined ? await reader.privileges(copy) : emptyPrivileges();
    statements.push(...syncAccountStatements(facts, caps, copy.account, source, copy, want, have));
  }
  return statements;
}

export { createCloneStatement, OriginalMissingError, planAlternateUser, ROTATION_MARKER, syncAccountStatements };
