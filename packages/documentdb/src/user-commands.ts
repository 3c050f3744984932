import type { Document } from 'mongodb';

/** A role grant as `usersInfo` reports it and the role commands take it. */
interface RoleGrant {
  readonly role: string;
  readonly db: string;
}

/** The parts of a `usersInfo` entry rotation reads. */
interface UserRecord {
  readonly user: string;
  readonly db: string;
  readonly roles: readonly RoleGrant[];
  /** The authentication mechanisms the server keeps credentials for (`SCRAM-SHA-256`, …); empty when it does not say. */
  readonly mechanisms: readonly string[];
}

/** `usersInfo` for one user of one database (the command runs against that database), with its stored credentials if asked. */
function usersInfoCommand(user: string, db: string, showCredentials = false): Document {
  return { usersInfo: { user, db }, ...(showCredentials ? { showCredentials: true } : {}) };
}

/**
 * `createUser` for the clone with the original's roles. Every value is a BSON field of the command document:
 * nothing is parsed as query or script text.
 */
function createUserCommand(user: string, password: string, roles: readonly RoleGrant[]): Document {
  return { createUser: user, pwd: password, roles: roles.map(({ role, db }) => ({ role, db })) };
}

/** `updateUser` setting only the password (the server hashes it; roles and customData stay as they are). */
function setPasswordCommand(user: string, password: string): Document {
  return { updateUser: user, pwd: password };
}

const grantKey = (grant: RoleGrant) => JSON.stringify([grant.db, grant.role]);

/**
 * The commands that make `clone`'s roles equal `wanted`: grant the missing ones, then revoke the extra ones.
 * Empty when they are already equal (so a server without role commands, FerretDB 1.x, is never sent one).
 */
function roleSyncCommands(clone: string, wanted: readonly RoleGrant[], actual: readonly RoleGrant[]): Document[] {
  const want = new Map(wanted.map((grant) => [grantKey(grant), grant]));
  const have = new Map(actual.map((grant) => [grantKey(grant), grant]));
  const missing = [...want].filter(([key]) => !have.has(key)).map(([, grant]) => ({ role: grant.role, db: grant.db }));
  const extra = [...have].filter(([key]) => !want.has(key)).map(([, grant]) => ({ role: grant.role, db: grant.db }));
  const commands: Document[] = [];
  if (missing.length > 0) commands.push({ grantRolesToUser: clone, roles: missing });
  if (extra.length > 0) commands.push({ revokeRolesFromUser: clone, roles: extra });
  return commands;
}

function toRoleGrant(value: unknown): RoleGrant {
  const { role, db } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof role !== 'string' || typeof db !== 'string') throw new TypeError('usersInfo returned a role without role and db');
  return { role, db };
}

/**
 * The user named in a `usersInfo` reply, or undefined when the reply lists no such user. A missing `roles`
 * array reads as no roles (FerretDB 1.x keeps none); anything else malformed is a TypeError.
 */
function userFromReply(reply: Document, user: string, db: string): UserRecord | undefined {
  const users: unknown = reply.users;
  if (!Array.isArray(users)) throw new TypeError('usersInfo reply has no users array');
  const entry = users.find((candidate: Document) => candidate?.user === user && candidate?.db === db) as Document | undefined;
  if (entry === undefined) return undefined;
  const roles: unknown = entry.roles ?? [];
  if (!Array.isArray(roles)) throw new TypeError('usersInfo returned roles that are not an array');
  const mechanisms: unknown = entry.mechanisms;
  return {
    user,
    db,
    roles: roles.map(toRoleGrant),
    mechanisms: Array.isArray(mechanisms) ? mechanisms.filter((item): item is string => typeof item === 'string') : [],
  };
}

export {
  createUserCommand,
  roleSyncCommands,
  setPasswordCommand,
  userFromReply,
  usersInfoCommand,
};
export type { RoleGrant, UserRecord };
