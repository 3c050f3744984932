import { type Document, type MongoClientOptions, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createDocumentDbAdapter } from '../../src/adapter.js';
import type { MongoClientLike } from '../../src/open-client.js';

type Reply = Document | Error;

/** A fake driver: records every command with its database and answers from `answer`. */
function fakeDriver(answer: (database: string, command: Document) => Reply) {
  const commands: { database: string; command: Document }[] = [];
  const clients: { uri: string; options: MongoClientOptions; closed: boolean }[] = [];
  const createClient = (uri: string, options: MongoClientOptions): MongoClientLike => {
    const record = { uri, options, closed: false };
    clients.push(record);
    const fake = {
      connect: async () => fake,
      close: async () => {
        record.closed = true;
      },
      on: () => fake,
      off: () => fake,
      db: (database: string) => ({
        command: async (command: Document) => {
          commands.push({ database, command });
          const reply = answer(database, command);
          if (reply instanceof Error) throw reply;
          return reply;
        },
      }),
    };
    return fake as unknown as MongoClientLike;
  };
  const adapter = createDocumentDbAdapter({ config: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000, env: {} }, createClient });
  return { adapter, commands, clients };
}

const secretFor = (username: string, extra: Record<string, unknown> = {}) => ({
  engine: 'docdb',
  host: 'db.example',
  username,
  password: 'pw',
  dbname: 'sales',
  ...extra,
});

const read = { role: 'read', db: 'sales' };
const reporter = { role: 'reporter', db: 'admin' };

/** usersInfo answers from a table of users in `sales`; every other command succeeds. */
function usersIn(table: Record<string, Document>) {
  return (_database: string, command: Document): Reply => {
    if ('usersInfo' in command) {
      const name = command.usersInfo.user as string;
      return { users: table[name] === undefined ? [] : [{ user: name, db: 'sales', ...table[name] }], ok: 1 };
    }
    return { ok: 1 };
  };
}

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

describe('DocumentDB adapter (fake driver)', () => {
  it('logs the master in on its own database and manages the pair in the target user database', async () => {
    const { adapter, commands, clients } = fakeDriver(usersIn({ app: { roles: [read, reporter] }, app_clone: { roles: [] } }));
    const master = adapter.parseSecret(secretFor('root', { dbname: 'admin' }), 'master');
    const target = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');

    const admin = await adapter.connectAdmin(master, target);
    await admin.applyAlternateUser({ original: 'app', clone: 'app_clone', target: 'app_clone', password: 'new', createClone: false, secretArn: ARN, markClone: false });
    await admin.close();

    expect(clients[0]?.options).toMatchObject({ authSource: 'admin', auth: { username: 'root' } });
    expect(commands.map(({ database }) => database)).toEqual(['sales', 'sales', 'sales', 'sales']);
    expect(commands.map(({ command }) => command)).toEqual([
      { usersInfo: { user: 'app', db: 'sales' } },
      { updateUser: 'app_clone', pwd: 'new' },
      { usersInfo: { user: 'app_clone', db: 'sales' } },
      { grantRolesToUser: 'app_clone', roles: [read, reporter] },
    ]);
    expect(clients[0]?.closed).toBe(true);
  });

  it('creates the clone with the original roles and no marker, then sends no role command', async () => {
    const users: Record<string, Document> = { app: { roles: [read] } };
    const { adapter, commands } = fakeDriver((database, command) => {
      if ('createUser' in command) users[command.createUser] = { roles: command.roles };
      return usersIn(users)(database, command);
    });
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');

    const admin = await adapter.connectAdmin(secret, secret);
    await admin.applyAlternateUser({ original: 'app', clone: 'app_clone', target: 'app_clone', password: 'new', createClone: true, secretArn: ARN, markClone: true });

    expect(commands.map(({ command }) => Object.keys(command)[0])).toEqual(['usersInfo', 'createUser', 'usersInfo']);
    expect(commands[1]?.command).toEqual({ createUser: 'app_clone', pwd: 'new', roles: [read] });
    expect(await admin.describeUser('app_clone')).toEqual({ exists: true, marker: undefined });
    expect(await admin.describeUser('nobody')).toEqual({ exists: false });
  });

  it('never reads customData as a marker: the user can write its own (changeOwnCustomData)', async () => {
    const forged = { createdBy: 'rotation-lambdas', alternateOf: 'app', secret: ARN };
    const { adapter } = fakeDriver(usersIn({ app_clone: { roles: [], customData: forged } }));
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');

    const admin = await adapter.connectAdmin(secret, secret);

    expect(await admin.describeUser('app_clone')).toEqual({ exists: true, marker: undefined });
  });

  it('does not retry a clone creation the server refused for another reason', async () => {
    const { adapter, commands } = fakeDriver((database, command) =>
      'createUser' in command ? new MongoServerError({ message: 'not authorized on sales', code: 13 }) : usersIn({ app: {} })(database, command),
    );
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');
    const admin = await adapter.connectAdmin(secret, secret);

    await expect(
      admin.applyAlternateUser({ original: 'app', clone: 'app_clone', target: 'app_clone', password: 'new', createClone: true, secretArn: ARN, markClone: true }),
    ).rejects.toMatchObject({ code: 'ENGINE_OPERATION', login: 'master' });
    expect(commands.filter(({ command }) => 'createUser' in command)).toHaveLength(1);
  });

  it('revokes roles the original no longer has when the original takes its turn', async () => {
    const { adapter, commands } = fakeDriver(usersIn({ app: { roles: [read] }, app_clone: { roles: [read, reporter] } }));
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');
    const admin = await adapter.connectAdmin(secret, secret);

    await admin.applyAlternateUser({ original: 'app', clone: 'app_clone', target: 'app', password: 'new', createClone: false, secretArn: ARN, markClone: false });

    expect(commands.map(({ command }) => command).slice(1)).toEqual([
      { updateUser: 'app', pwd: 'new' },
      { usersInfo: { user: 'app_clone', db: 'sales' } },
      { revokeRolesFromUser: 'app_clone', roles: [reporter] },
    ]);
  });

  it('fails without changing anything when the original is gone', async () => {
    const { adapter, commands } = fakeDriver(usersIn({ app_clone: {} }));
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');
    const admin = await adapter.connectAdmin(secret, secret);

    await expect(
      admin.applyAlternateUser({ original: 'app', clone: 'app_clone', target: 'app_clone', password: 'new', createClone: false, secretArn: ARN, markClone: false }),
    ).rejects.toMatchObject({ code: 'ENGINE_OPERATION', field: 'username' });
    expect(commands).toHaveLength(1);
  });

  it('changes its own password with updateUser on its authentication database, and verifies who it is', async () => {
    const { adapter, commands, clients } = fakeDriver((_database, command) =>
      'connectionStatus' in command ? { authInfo: { authenticatedUsers: [{ user: 'app', db: 'sales' }] }, ok: 1 } : { ok: 1 },
    );
    const secret = adapter.parseSecret(secretFor('app'), 'AWSCURRENT');

    const session = await adapter.connect(secret, 'current');
    await session.changeOwnPassword({ currentPassword: 'pw', newPassword: 'new' });
    await session.verify();
    await session.close();

    expect(clients[0]?.options).toMatchObject({ authSource: 'sales', auth: { username: 'app', password: 'pw' } });
    expect(commands).toEqual([
      { database: 'sales', command: { updateUser: 'app', pwd: 'new' } },
      { database: 'sales', command: { connectionStatus: 1 } },
    ]);
  });

  it('fails verify when the session is authenticated as someone else', async () => {
    const { adapter } = fakeDriver(() => ({ authInfo: { authenticatedUsers: [{ user: 'app', db: 'admin' }] }, ok: 1 }));
    const session = await adapter.connect(adapter.parseSecret(secretFor('app'), 'AWSPENDING'), 'pending');

    await expect(session.verify()).rejects.toMatchObject({ code: 'ENGINE_OPERATION', field: 'username', login: 'pending' });
  });

  it('closes the client and throws a typed error when the login fails', async () => {
    const clients: { closed: boolean }[] = [];
    const adapter = createDocumentDbAdapter({
      config: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000, env: {} },
      createClient: () => {
        const record = { closed: false };
        clients.push(record);
        return {
          connect: async () => {
            throw new MongoServerError({ message: 'Authentication failed.', code: 18 });
          },
          close: async () => {
            record.closed = true;
          },
          on: () => undefined,
          off: () => undefined,
          db: () => undefined,
        } as unknown as MongoClientLike;
      },
    });

    await expect(adapter.connect(adapter.parseSecret(secretFor('app'), 'AWSCURRENT'), 'current')).rejects.toMatchObject({
      code: 'ENGINE_AUTH',
      login: 'current',
    });
    expect(clients).toEqual([{ closed: true }]);
  });

  it('allows alternate names of up to 63 characters, DocumentDB\'s user name limit', () => {
    const { adapter } = fakeDriver(() => ({ ok: 1 }));

    expect(adapter.maxUsernameLength(adapter.parseSecret(secretFor('app'), 'AWSCURRENT'))).toBe(63);
    expect(adapter.defaults).toEqual({ excludeCharacters: '/@"\'\\', passwordLength: 32 });
  });
});
