import type { Flavour } from './server-facts.js';
import { type AccountPrivileges, type Level, type LevelGrant, levelKey } from './privileges.js';

const WHERE: Readonly<Record<Level['kind'], string>> = {
  global: 'globally',
  database: 'on a database',
  table: 'on a table',
  routine: 'on a routine',
};

/** The master's grants that cover `level`: global, then the level's database, then the level itself. */
function coveringGrants(master: AccountPrivileges, level: Level): LevelGrant[] {
  const keys = ['global'];
  if (level.kind !== 'global') keys.push(levelKey({ kind: 'database', database: level.database }));
  if (level.kind === 'table' || level.kind === 'routine') keys.push(levelKey(level));
  return keys.map((key) => master.levels.get(key)).filter((grant): grant is LevelGrant => grant !== undefined);
}

/** Whether the master may grant `privilege` at `level` (it holds it there or above, WITH GRANT OPTION). */
function mayGrant(master: AccountPrivileges, level: Level, privilege: string, column?: string): boolean {
  return coveringGrants(master, level).some(
    (grant) => grant.grantOption && (grant.privileges.has(privilege) || (column !== undefined && (grant.columns.get(privilege)?.has(column) ?? false))),
  );
}

function levelNeeds(master: AccountPrivileges, wanted: LevelGrant, missing: Set<string>): void {
  const where = WHERE[wanted.level.kind];
  for (const privilege of wanted.privileges) {
    if (!mayGrant(master, wanted.level, privilege)) missing.add(`${privilege} WITH GRANT OPTION (the original holds it ${where})`);
  }
  for (const [privilege, columns] of wanted.columns) {
    for (const column of columns) {
      if (!mayGrant(master, wanted.level, privilege, column)) missing.add(`${privilege} WITH GRANT OPTION (the original holds it on a column)`);
    }
  }
  if (wanted.grantOption && !coveringGrants(master, wanted.level).some((grant) => grant.grantOption)) {
    missing.add(`GRANT OPTION (the original holds it ${where})`);
  }
}

/** Dynamic privileges and roles the master must be able to pass on. */
function dynamicAndRoleNeeds(master: AccountPrivileges, original: AccountPrivileges, flavour: Flavour, missing: Set<string>): void {
  for (const privilege of original.dynamic.keys()) {
    if (master.dynamic.get(privilege) !== true) missing.add(`${privilege} WITH GRANT OPTION`);
  }
  if (flavour === 'mysql' && master.dynamic.has('ROLE_ADMIN')) return;
  for (const key of original.roles.keys()) {
    if (master.roles.get(key)?.admin !== true) {
      missing.add(flavour === 'mysql' ? "ROLE_ADMIN, or ADMIN OPTION on each of the original's roles" : "ADMIN OPTION on each of the original's roles");
    }
  }
}

/**
 * What the master lacks to create the clone of an original holding `originals` (one entry per host account)
 * and grant it the same, as short descriptions that name privileges, never databases, tables or users.
 * Privileges the master holds only through a role are not counted: RDS gives its master direct grants.
 */
function missingMasterPrivileges(master: AccountPrivileges, originals: readonly AccountPrivileges[], flavour: Flavour): string[] {
  const missing = new Set<string>();
  const global = master.levels.get('global');
  if (!global?.privileges.has('CREATE USER')) missing.add('CREATE USER');
  const mysqlSchema = master.levels.get(levelKey({ kind: 'database', database: 'mysql' }));
  if (!global?.privileges.has('SELECT') && !mysqlSchema?.privileges.has('SELECT')) missing.add('SELECT on the mysql schema');
  for (const original of originals) {
    for (const wanted of original.levels.values()) levelNeeds(master, wanted, missing);
    dynamicAndRoleNeeds(master, original, flavour, missing);
  }
  return [...missing].sort();
}

export { missingMasterPrivileges };
