import type { RotationMarker } from '@rotation-lambdas/core';
import pg from 'pg';
import { isListSetting, splitSettingList } from './guc-list.js';

const { escapeIdentifier, escapeLiteral } = pg;

/**
 * Text the clone's role comment starts with: the engine-side marker that rotation created (or adopted) the
 * role, followed by JSON naming the secret and the original. Only CREATEROLE holders (PostgreSQL 16+: with
 * ADMIN OPTION on the role) can comment on a role, so the role itself cannot forge it.
 */
const MARKER_PREFIX = 'rotation-lambdas:';

/** A role's attributes that membership does not carry, as pg_roles reports them. */
interface RoleAttributes {
  readonly oid: number;
  readonly rolcreatedb: boolean;
  readonly rolcreaterole: boolean;
  readonly rolreplication: boolean;
  readonly rolbypassrls: boolean;
  readonly rolconnlimit: number;
  /** Text form; NULL (never expires) is reported as 'infinity' so both spellings compare equal. */
  readonly rolvaliduntil: string;
  readonly comment: string | null;
}

/** Per-role settings: database name ('' for all databases) → setting name → stored value. */
type RoleSettings = Map<string, Map<string, string>>;

/** Anything that runs a parameterised query (a pg Client). */
interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

const ROLE_QUERY = `SELECT oid::int AS oid, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolconnlimit,
  COALESCE(rolvaliduntil::text, 'infinity') AS rolvaliduntil, shobj_description(oid, 'pg_authid') AS comment
  FROM pg_catalog.pg_roles WHERE rolname = $1`;

/** The role's attributes, or undefined when no role has that name. */
async function readRole(client: Queryable, name: string): Promise<RoleAttributes | undefined> {
  const { rows } = await client.query<RoleAttributes>(ROLE_QUERY, [name]);
  return rows[0];
}

/**
 * Rotation's marker in a role comment, or undefined when the comment is not one. A marker from before markers
 * named their secret (`rotation-lambdas: alternate user of …`) reads as one that names no secret.
 */
function parseRotationMarker(comment: string | null): RotationMarker | undefined {
  if (comment === null || !comment.startsWith(MARKER_PREFIX)) return undefined;
  try {
    const { secret, alternateOf } = JSON.parse(comment.slice(MARKER_PREFIX.length)) as Record<string, unknown>;
    return { secretArn: typeof secret === 'string' ? secret : undefined, alternateOf: typeof alternateOf === 'string' ? alternateOf : undefined };
  } catch {
    return { secretArn: undefined, alternateOf: undefined };
  }
}

/** COMMENT ON ROLE writing rotation's marker, binding the clone to the secret and the original. */
function markerStatement(clone: string, original: string, secretArn: string): string {
  return `COMMENT ON ROLE ${escapeIdentifier(clone)} IS ${escapeLiteral(`${MARKER_PREFIX}${JSON.stringify({ secret: secretArn, alternateOf: original })}`)}`;
}

/** CREATE ROLE for the clone with LOGIN and the verifier, then the marker comment. */
function createCloneStatements(clone: string, original: string, verifier: string, secretArn: string): string[] {
  return [`CREATE ROLE ${escapeIdentifier(clone)} WITH LOGIN INHERIT PASSWORD ${escapeLiteral(verifier)}`, markerStatement(clone, original, secretArn)];
}

/**
 * ALTER ROLE setting a pre-computed SCRAM verifier. The clone also gets LOGIN back in case it was revoked;
 * the original's LOGIN is the operator's to give or take, so it is left as it is.
 */
function setPasswordStatement(role: string, verifier: string, restoreLogin: boolean): string {
  return `ALTER ROLE ${escapeIdentifier(role)} WITH ${restoreLogin ? 'LOGIN ' : ''}PASSWORD ${escapeLiteral(verifier)}`;
}

/** One ALTER ROLE making the clone's attributes equal the original's, or none when they already are. */
function attributeStatement(clone: string, target: RoleAttributes, actual: RoleAttributes): string | undefined {
  const changes: string[] = [];
  const flag = (on: boolean, word: string) => (on ? word : `NO${word}`);
  if (target.rolcreatedb !== actual.rolcreatedb) changes.push(flag(target.rolcreatedb, 'CREATEDB'));
  if (target.rolcreaterole !== actual.rolcreaterole) changes.push(flag(target.rolcreaterole, 'CREATEROLE'));
  if (target.rolreplication !== actual.rolreplication) changes.push(flag(target.rolreplication, 'REPLICATION'));
  if (target.rolbypassrls !== actual.rolbypassrls) changes.push(flag(target.rolbypassrls, 'BYPASSRLS'));
  if (target.rolconnlimit !== actual.rolconnlimit) changes.push(`CONNECTION LIMIT ${Math.trunc(target.rolconnlimit)}`);
  if (target.rolvaliduntil !== actual.rolvaliduntil) changes.push(`VALID UNTIL ${escapeLiteral(target.rolvaliduntil)}`);
  return changes.length === 0 ? undefined : `ALTER ROLE ${escapeIdentifier(clone)} WITH ${changes.join(' ')}`;
}

async function readSettings(client: Queryable, oid: number): Promise<RoleSettings> {
  const { rows } = await client.query<{ datname: string | null; setconfig: string[] }>(
    `SELECT d.datname, s.setconfig FROM pg_catalog.pg_db_role_setting s
       LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase WHERE s.setrole = $1`,
    [oid],
  );
  const settings: RoleSettings = new Map();
  for (const row of rows) {
    const entries = new Map<string, string>();
    for (const item of row.setconfig) {
      const split = item.indexOf('=');
      if (split > 0) entries.set(item.slice(0, split), item.slice(split + 1));
    }
    settings.set(row.datname ?? '', entries);
  }
  return settings;
}

/** The value part of `ALTER ROLE … SET name TO …`, quoted by pg_dump's rules (lists element by element). */
function settingValueSql(name: string, value: string): string {
  if (!isListSetting(name)) return escapeLiteral(value);
  const items = splitSettingList(value);
  if (items === undefined) return escapeLiteral(value);
  return items.length === 0 ? "''" : items.map((item) => escapeLiteral(item)).join(', ');
}

function alterSettingPrefix(clone: string, database: string): string {
  return `ALTER ROLE ${escapeIdentifier(clone)}${database === '' ? '' : ` IN DATABASE ${escapeIdentifier(database)}`}`;
}

/** Statements making the clone's per-role settings (`ALTER ROLE … SET`) equal the original's, in every database. */
function settingStatements(clone: string, target: RoleSettings, actual: RoleSettings): string[] {
  const statements: string[] = [];
  for (const database of new Set([...target.keys(), ...actual.keys()])) {
    const want = target.get(database) ?? new Map<string, string>();
    const have = actual.get(database) ?? new Map<string, string>();
    const prefix = alterSettingPrefix(clone, database);
    for (const [name, value] of want) {
      if (have.get(name) !== value) statements.push(`${prefix} SET ${escapeIdentifier(name)} TO ${settingValueSql(name, value)}`);
    }
    for (const name of have.keys()) {
      if (!want.has(name)) statements.push(`${prefix} RESET ${escapeIdentifier(name)}`);
    }
  }
  return statements;
}

/**
 * Statements making the clone equal the original in what role membership does not carry: membership of
 * the original itself (which carries every grant, present and future), role attributes, and per-role
 * settings. Empty when the clone is already in sync.
 */
async function syncStatements(client: Queryable, original: string, clone: string): Promise<string[]> {
  const source = await readRole(client, original);
  const copy = await readRole(client, clone);
  if (source === undefined || copy === undefined) throw new Error('role disappeared during rotation');
  const statements: string[] = [];
  const { rowCount } = await client.query('SELECT 1 FROM pg_catalog.pg_auth_members WHERE roleid = $1 AND member = $2', [
    source.oid,
    copy.oid,
  ]);
  if (rowCount === 0) statements.push(`GRANT ${escapeIdentifier(original)} TO ${escapeIdentifier(clone)}`);
  const attributes = attributeStatement(clone, source, copy);
  if (attributes !== undefined) statements.push(attributes);
  statements.push(...settingStatements(clone, await readSettings(client, source.oid), await readSettings(client, copy.oid)));
  return statements;
}

export {
  attributeStatement,
  createCloneStatements,
  markerStatement,
  parseRotationMarker,
  readRole,
  setPasswordStatement,
  settingStatements,
  settingValueSql,
  syncStatements,
};
export type { Queryable, RoleAttributes, RoleSettings };
