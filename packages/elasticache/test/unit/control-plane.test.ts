import { describe, expect, it } from 'vitest';
import { type Clock, type ControlPlaneClient, markerFromTags, markerTags, ROTATION_TAG, UserDirectory } from '../../src/control-plane.js';

/** A clock whose sleeps only advance time, recording each pause. */
function fakeClock(): Clock & { pauses: number[] } {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    sleep: async (ms) => {
      pauses.push(ms);
      now += ms;
    },
  };
}

/** A control plane that answers each command from `answer`, recording the commands sent. */
function fakeClient(answer: (name: string, input: Record<string, unknown>) => unknown): ControlPlaneClient & { sent: { name: string; input: Record<string, unknown> }[] } {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  return {
    sent,
    send: (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: command.input });
      return answer(name, command.input);
    }) as unknown as ControlPlaneClient['send'],
  };
}

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode: status } });
}

describe('ElastiCache user directory', () => {
  it('polls until active, pausing 250 ms and doubling up to the retry interval', async () => {
    const clock = fakeClock();
    const statuses = ['modifying', 'modifying', 'modifying', 'modifying', 'active'];
    const client = fakeClient(() => ({ Users: [{ UserId: 'u1', Status: statuses.shift() }] }));
    const directory = new UserDirectory(client, { maxWaitMs: 15_000, retryIntervalMs: 1_000 }, 'current', clock);

    const user = await directory.waitForUser('u1');

    expect(user.Status).toBe('active');
    expect(clock.pauses).toEqual([250, 500, 1_000, 1_000]);
  });

  it('gives up once the session budget is spent, naming MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS', async () => {
    const clock = fakeClock();
    const client = fakeClient(() => ({ Users: [{ UserId: 'u1', Status: 'modifying' }] }));
    const directory = new UserDirectory(client, { maxWaitMs: 3_000, retryIntervalMs: 2_000 }, 'master', clock);

    await expect(directory.waitForUser('u1')).rejects.toMatchObject({
      code: 'ENGINE_OPERATION',
      field: 'MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS',
      login: 'master',
    });
    expect(clock.pauses.reduce((sum, pause) => sum + pause, 0)).toBe(3_000);
  });

  it('stops waiting at once for a user that is being deleted or is gone', async () => {
    const clock = fakeClock();
    const deleting = new UserDirectory(fakeClient(() => ({ Users: [{ UserId: 'u1', Status: 'deleting' }] })), { maxWaitMs: 9_000, retryIntervalMs: 1_000 }, 'current', clock);
    const gone = new UserDirectory(fakeClient(() => Promise.reject(serviceError('UserNotFoundFault', 404))), { maxWaitMs: 9_000, retryIntervalMs: 1_000 }, 'current', clock);

    await expect(deleting.waitForUser('u1')).rejects.toMatchObject({ code: 'ENGINE_OPERATION' });
    await expect(gone.waitForUser('u1')).rejects.toMatchObject({ code: 'ENGINE_OPERATION' });
    expect(clock.pauses).toEqual([]);
  });

  it('answers undefined for an unknown user and maps other failures to typed errors', async () => {
    const budget = { maxWaitMs: 1_000, retryIntervalMs: 1_000 };
    const missing = new UserDirectory(fakeClient(() => Promise.reject(serviceError('UserNotFoundFault', 404))), budget, 'current');
    const denied = new UserDirectory(fakeClient(() => Promise.reject(serviceError('AccessDeniedException', 403))), budget, 'current');
    const offline = new UserDirectory(
      fakeClient(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))),
      budget,
      'current',
    );

    expect(await missing.describeUser('u1')).toBeUndefined();
    await expect(denied.describeUser('u1')).rejects.toMatchObject({ code: 'ENGINE_OPERATION', message: 'ElastiCache DescribeUsers failed' });
    await expect(offline.modifyUser({ userId: 'u1', passwords: ['p'] })).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' });
  });

  it('maps throttling that outlasted the SDK retries to ENGINE_BUSY, apart from other refusals', async () => {
    const budget = { maxWaitMs: 1_000, retryIntervalMs: 1_000 };
    // As the SDK raised it from the local ElastiCache answering Throttling three times: name, HTTP 400, attempts 3.
    const throttled = Object.assign(serviceError('Throttling', 400), { message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 3 } });
    const directory = new UserDirectory(fakeClient(() => Promise.reject(throttled)), budget, 'master');
    const tooMany = new UserDirectory(fakeClient(() => Promise.reject(serviceError('SlowDown', 429))), budget, 'master');

    await expect(directory.modifyUser({ userId: 'u1', passwords: ['p'] })).rejects.toMatchObject({
      code: 'ENGINE_BUSY',
      message: 'The ElastiCache API throttled ModifyUser',
      login: 'master',
    });
    await expect(directory.describeUser('u1')).rejects.toMatchObject({ code: 'ENGINE_BUSY' });
    await expect(tooMany.describeUser('u1')).rejects.toMatchObject({ code: 'ENGINE_BUSY' });
  });

  it('creates users with the marker tags binding the secret and reads them back as the marker', async () => {
    const secretArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${'n'.repeat(300)}-AbCdEf`;
    const tags = markerTags(secretArn, 'app');
    const client = fakeClient((name) => (name === 'ListTagsForResource' ? { TagList: tags } : {}));
    const directory = new UserDirectory(client, { maxWaitMs: 1_000, retryIntervalMs: 1_000 }, 'master');

    await directory.createUser({
      userId: 'app-clone-1',
      userName: 'app_clone',
      engine: 'valkey',
      accessString: 'on ~* +@all',
      password: 'p'.repeat(20),
      secretArn,
      original: 'app',
    });

    expect(client.sent[0]).toEqual({
      name: 'CreateUser',
      input: {
        UserId: 'app-clone-1',
        UserName: 'app_clone',
        Engine: 'valkey',
        AccessString: 'on ~* +@all',
        Passwords: ['p'.repeat(20)],
        NoPasswordRequired: false,
        Tags: tags,
      },
    });
    expect(tags.every((tag) => (tag.Value ?? '').length <= 256)).toBe(true);
    expect(await directory.marker('arn:aws:elasticache:us-east-1:123456789012:user:app-clone-1')).toEqual({ secretArn, alternateOf: 'app' });
    expect(markerFromTags([{ ...ROTATION_TAG }])).toEqual({ secretArn: undefined, alternateOf: undefined });
    expect(markerFromTags([])).toBeUndefined();
  });
});
