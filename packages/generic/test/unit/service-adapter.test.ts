import { EngineAuthError, type RotatableSecret, requirePassword, requireString } from '@rotation-lambdas/core';
import { describe, expect, it } from 'vitest';
import { createServiceAdapter, type ServiceRotator } from '../../src/service-adapter.js';

function fakeRotator() {
  const calls: string[] = [];
  const rotator: ServiceRotator<RotatableSecret> = {
    name: 'fake',
    defaults: { excludeCharacters: '', passwordLength: 32 },
    parseSecret: (json, source) => ({
      username: requireString(json, 'username', source),
      password: requirePassword(json, source),
      masterarn: undefined,
      fields: json,
    }),
    resourceOf: (secret) => ({ username: secret.username }),
    async authenticate(secret, login) {
      calls.push(`auth ${login}`);
      if (secret.password !== 'good') throw new EngineAuthError('refused', login);
    },
    async changeCredential(current, pending) {
      calls.push(`change ${current.password}->${pending.password}`);
    },
  };
  return { rotator, calls };
}

describe('createServiceAdapter', () => {
  it('authenticates on connect and changes the credential with the pending password', async () => {
    const { rotator, calls } = fakeRotator();
    const adapter = createServiceAdapter(rotator);
    const secret = adapter.parseSecret({ username: 'u', password: 'good' }, 'AWSCURRENT');

    const session = await adapter.connect(secret, 'current');
    await session.changeOwnPassword({ currentPassword: 'good', newPassword: 'next' });

    expect(calls).toEqual(['auth current', 'change good->next']);
  });

  it('passes the refusal through as the typed error', async () => {
    const adapter = createServiceAdapter(fakeRotator().rotator);
    const secret = adapter.parseSecret({ username: 'u', password: 'bad' }, 'AWSPENDING');

    await expect(adapter.connect(secret, 'pending')).rejects.toMatchObject({ code: 'ENGINE_AUTH', login: 'pending' });
  });

  it('offers no master session: the starter is single user', () => {
    const adapter = createServiceAdapter(fakeRotator().rotator);
    const secret = adapter.parseSecret({ username: 'u', password: 'good' }, 'master');

    expect(() => adapter.connectAdmin(secret, secret)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});
