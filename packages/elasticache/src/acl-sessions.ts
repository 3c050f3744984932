import {
  AlternateUserConflictError,
  type AdminSession,
  type AlternateUserChange,
  type CredentialsRole,
  EngineOperationError,
  type OwnPasswordChange,
  type UserSession,
  type UserState,
} from '@rotation-lambdas/core';
import { cloneRules, parseAclUser, passwordHash, passwordRules, type AclUser } from './acl-user.js';
import { ENGINE, isPermissionRefusal, operationError } from './classify-error.js';
import { closeLinks, type RedisLink } from './redis-connection.js';

/**
 * The test probe on every node: PING as the user. A NOPERM answer also proves the login, since Redis
 * evaluated the command as that user; an application user's ACL need not allow PING.
 */
async function pingAll(links: readonly RedisLink[], login: CredentialsRole): Promise<void> {
  for (const link of links) {
    try {
      await link.call('PING');
    } catch (error) {
      if (!isPermissionRefusal(error)) throw operationError('PING', login, error);
    }
  }
}

async function getUser(link: RedisLink, username: string, login: CredentialsRole): Promise<AclUser | undefined> {
  let reply: unknown;
  try {
    reply = await link.call('ACL', 'GETUSER', username);
  } catch (error) {
    throw operationError('ACL GETUSER', login, error);
  }
  try {
    return parseAclUser(reply);
  } catch (error) {
    // Copying rules half-understood would give the clone other privileges than the original's.
    throw new EngineOperationError('Redis ACL GETUSER answered in a format this function does not know', login, {
      cause: error,
      engine: ENGINE,
    });
  }
}

async function setUser(link: RedisLink, username: string, rules: readonly string[], operation: string, login: CredentialsRole): Promise<void> {
  try {
    await link.call('ACL', 'SETUSER', username, ...rules);
  } catch (error) {
    throw operationError(operation, login, error);
  }
}

/** Logged in as the secret's user on every node (self-managed Redis/Valkey, no `user_arn`). */
class AclUserSession implements UserSession {
  readonly #links: readonly RedisLink[];
  readonly #username: string;
  readonly #login: CredentialsRole;

  constructor(links: readonly RedisLink[], username: string, login: CredentialsRole) {
    this.#links = links;
    this.#username = username;
    this.#login = login;
  }

  verify(): Promise<void> {
    return pingAll(this.#links, this.#login);
  }

  /**
   * `ACL SETUSER <self> resetpass #<current> #<new>` on every node: the user keeps exactly the current and
   * the new password, so clients still holding the current one work until the next rotation, and the one
   * before is dropped. The user's ACL must allow `acl|setuser`. Repeating it changes nothing.
   */
  async changeOwnPassword(change: OwnPasswordChange): Promise<void> {
    const rules = ['resetpass', `#${passwordHash(change.currentPassword)}`, `#${passwordHash(change.newPassword)}`];
    for (const link of this.#links) await setUser(link, this.#username, rules, 'ACL SETUSER of the own password', this.#login);
  }

  async close(): Promise<void> {
    closeLinks(this.#links);
  }
}

/** Logged in as the master on every node, managing the alternating pair with ACL GETUSER / ACL SETUSER. */
class AclAdminSession implements AdminSession {
  readonly #links: readonly RedisLink[];

  constructor(links: readonly RedisLink[]) {
    this.#links = links;
  }

  /** Looked up on the first node (the secret's host). Redis ACL has no comments, so no user carries a marker. */
  async describeUser(username: string): Promise<UserState> {
    const [first] = this.#links;
    const user = first === undefined ? undefined : await getUser(first, username, 'master');
    return user === undefined ? { exists: false } : { exists: true, marker: undefined };
  }

  /** The user on every node, or undefined when a node lacks it. */
  async #everywhere(username: string): Promise<AclUser[] | undefined> {
    const users: AclUser[] = [];
    for (const link of this.#links) {
      const user = await getUser(link, username, 'master');
      if (user === undefined) return undefined;
      users.push(user);
    }
    return users;
  }

  /** From ACL GETUSER on every node: a `nopass` user lets any password in. */
  async requiresPassword(username: string): Promise<boolean | undefined> {
    const users = await this.#everywhere(username);
    return users === undefined ? undefined : users.every((user) => !user.flags.includes('nopass'));
  }

  /** From ACL GETUSER on every node: the password's SHA-256 must be one of the user's passwords on each. */
  async hasPassword(username: string, password: string): Promise<boolean | undefined> {
    const users = await this.#everywhere(username);
    const hash = passwordHash(password);
    return users === undefined ? undefined : users.every((user) => user.passwords.includes(hash));
  }

  /**
   * On every node, against that node's own copy of the original (ACL is not replicated): the clone gets the
   * original's rules with its own password; or the original gets the new password and the clone is re-synced
   * keeping its passwords. One ACL SETUSER per user per node, atomic on the server, idempotent.
   */
  async applyAlternateUser(change: AlternateUserChange): Promise<void> {
    const hash = passwordHash(change.password);
    for (const link of this.#links) {
      const original = await getUser(link, change.original, 'master');
      if (original === undefined) {
        throw new AlternateUserConflictError('The original user of the pair does not exist on every node', {
          field: 'username',
          engine: ENGINE,
        });
      }
      if (change.target === change.clone) {
        await setUser(link, change.clone, cloneRules(original, [hash]), 'ACL SETUSER of the clone', 'master');
        continue;
      }
      await setUser(link, change.target, passwordRules([hash], false), 'ACL SETUSER of the password', 'master');
      const clone = await getUser(link, change.clone, 'master');
      // A clone missing on this node is recreated on its next turn, with a password; not here without one.
      if (clone !== undefined) {
        await setUser(link, change.clone, cloneRules(original, clone.passwords), 'ACL SETUSER of the clone', 'master');
      }
    }
  }

  async close(): Promise<void> {
    closeLinks(this.#links);
  }
}

export { AclAdminSession, AclUserSession, pingAll };
