import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { Credentials } from '../database-server.js';
import { type HandlerEnvironment, loadHandler, type RotationLambda } from '../handler-loader.js';
import { LeakDetector } from '../leak-detector.js';
import { RotationDriver } from '../rotation-driver.js';
import {
  type LocalSecretsManager,
  type PendingAfterRotation,
  startLocalSecretsManager,
} from '../secrets-manager/local-secrets-manager.js';
import type { EngineFixture, EngineTarget, Strategy } from './engine-fixture.js';

let counter = 0;

/** A short name no other test uses, valid on every engine (lower-case letters and digits). */
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${randomBytes(3).toString('hex')}`;
}

/** A password valid everywhere that the leak detector will look for. */
function testPassword(): string {
  return `Pw${randomBytes(12).toString('base64url')}`;
}

/** Labels and values of a secret's versions, for "nothing changed" assertions. */
interface SecretState {
  readonly stages: Record<string, string[]>;
  readonly values: Record<string, string | undefined>;
}

/**
 * Per-suite state of the contract: one local Secrets Manager, one engine target, a leak detector that sees
 * every handler invocation, and handler instances cached by their environment.
 */
class ContractContext {
  readonly fixture: EngineFixture;
  readonly leaks = new LeakDetector();
  #sm: LocalSecretsManager | undefined;
  #target: EngineTarget | undefined;
  readonly #handlers = new Map<string, Promise<RotationLambda>>();
  readonly #secretIds: string[] = [];
  #masterArn: string | undefined;
  #route: { host: string; port: number } | undefined;

  constructor(fixture: EngineFixture) {
    this.fixture = fixture;
  }

  get sm(): LocalSecretsManager {
    if (this.#sm === undefined) throw new Error('contract context not started');
    return this.#sm;
  }

  get target(): EngineTarget {
    if (this.#target === undefined) throw new Error('contract context not started');
    return this.#target;
  }

  async start(options?: Parameters<EngineFixture['startTarget']>[0]): Promise<void> {
    this.#sm = await startLocalSecretsManager();
    this.#target = await this.fixture.startTarget(options);
    this.leaks.addSecret(this.target.master.password);
  }

  async stop(): Promise<void> {
    await this.#target?.stop();
    await this.#sm?.stop();
  }

  /**
   * The environment every handler gets: the local Secrets Manager, debug logging (so the leak detector also
   * searches the most talkative output), plus the engine's and the test's own.
   */
  handlerEnv(extra: HandlerEnvironment = {}): HandlerEnvironment {
    return { SECRETS_MANAGER_ENDPOINT: this.sm.endpoint, AWS_LAMBDA_LOG_LEVEL: 'DEBUG', ...this.fixture.handlerEnv, ...extra };
  }

  /** A handler instance for `strategy` with `env` (one module instance per distinct environment). */
  handler(strategy: Strategy, env: HandlerEnvironment = {}): Promise<RotationLambda> {
    const full = this.handlerEnv(env);
    const key = `${strategy}:${JSON.stringify(full)}`;
    let handler = this.#handlers.get(key);
    if (handler === undefined) {
      handler = loadHandler(this.fixture.bundles[strategy], full);
      this.#handlers.set(key, handler);
    }
    return handler;
  }

  /** A fresh module instance (a cold container), never cached. */
  coldHandler(strategy: Strategy, env: HandlerEnvironment = {}): Promise<RotationLambda> {
    return loadHandler(this.fixture.bundles[strategy], this.handlerEnv(env));
  }

  /** A driver whose every invocation feeds the leak detector; `timeoutMs` is the function's timeout. */
  async driver(strategy: Strategy, env: HandlerEnvironment = {}, timeoutMs?: number): Promise<RotationDriver> {
    return new RotationDriver({
      secretsManager: this.sm.client(),
      handler: await this.handler(strategy, env),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      observe: (outcome) => {
        this.leaks.addOutput(outcome.output);
        this.leaks.addError(outcome.error);
      },
    });
  }

  /** Creates a login user on the target with a fresh password. */
  async createUser(prefix = 'u', username = uniqueName(prefix)): Promise<Credentials> {
    const credentials = { username, password: testPassword() };
    this.leaks.addSecret(credentials.password);
    await this.target.createUser(credentials);
    return credentials;
  }

  /** Creates a secret with `json` (or a raw string) as its AWSCURRENT value; returns its ARN. */
  async createSecret(value: Record<string, unknown> | string, name = uniqueName('secret')): Promise<string> {
    const secretString = typeof value === 'string' ? value : JSON.stringify(value);
    this.leaks.addSecretString(secretString);
    const created = await this.sm.client().send(new CreateSecretCommand({ Name: name, SecretString: secretString }));
    const arn = created.ARN as string;
    this.#secretIds.push(arn);
    return arn;
  }

  /** Tags a secret (RDS marks the master secrets it manages with a tag naming the instance or cluster). */
  async tagSecret(arn: string, tags: Record<string, string>): Promise<void> {
    await this.sm.client().send(
      new TagResourceCommand({ SecretId: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
    );
  }

  /** Points the secrets made from now on at a proxy in front of the server (crash and fault tests). */
  routeThrough(proxy: { host: string; port: number }): void {
    this.#route = { host: proxy.host, port: proxy.port };
    this.#masterArn = undefined;
  }

  /** The secret JSON for `credentials`, pointed at the proxy when one is set. */
  secretJson(credentials: Credentials): Record<string, unknown> {
    return { ...this.target.secretFor(credentials), ...this.#route };
  }

  /** The suite's master secret, made once from the target's master credentials. */
  async masterArn(): Promise<string> {
    this.#masterArn ??= await this.createSecret(this.secretJson(this.target.master), uniqueName('master'));
    return this.#masterArn;
  }

  /** A user and a secret for it; `masterarn` added for alternating users. */
  async userWithSecret(strategy: Strategy, prefix = 'u'): Promise<{ user: Credentials; arn: string }> {
    const user = await this.createUser(prefix);
    const json = this.secretJson(user);
    const arn = await this.createSecret(strategy === 'alternating-users' ? { ...json, masterarn: await this.masterArn() } : json);
    return { user, arn };
  }

  /** The AWSCURRENT value, parsed. */
  async current(arn: string): Promise<Record<string, unknown> & Credentials> {
    const value = await this.sm.client().send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(value.SecretString ?? '{}') as Record<string, unknown> & Credentials;
  }

  /** Version id → labels, as DescribeSecret reports them. */
  async stages(arn: string): Promise<Record<string, string[]>> {
    const described = await this.sm.client().send(new DescribeSecretCommand({ SecretId: arn }));
    return described.VersionIdsToStages ?? {};
  }

  /** Labels and values of every version, for before/after comparisons. */
  async state(arn: string): Promise<SecretState> {
    const values: Record<string, string | undefined> = {};
    for (const version of this.sm.versions(arn)) values[version.versionId] = version.secretString;
    return { stages: await this.stages(arn), values };
  }

  /** Overwrites the AWSPENDING value of a rotation in progress (a tampered or hand-made pending version). */
  async putPending(arn: string, token: string, value: Record<string, unknown>): Promise<void> {
    const secretString = JSON.stringify(value);
    this.leaks.addSecretString(secretString);
    await this.sm.client().send(
      new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: secretString, VersionStages: ['AWSPENDING'] }),
    );
  }

  /**
   * Writes a new AWSCURRENT version (a secret re-applied by infrastructure code, or by its writer). Where the
   * service left AWSPENDING on the finished rotation's version (one of its documented end states), a writer
   * must take it off that version, now AWSPREVIOUS, as the service refuses to start the next rotation otherwise.
   */
  async putCurrent(arn: string, value: Record<string, unknown>): Promise<void> {
    const secretString = JSON.stringify(value);
    this.leaks.addSecretString(secretString);
    const client = this.sm.client();
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: secretString }));
    const stages = (await client.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};
    for (const [versionId, labels] of Object.entries(stages)) {
      if (labels.includes('AWSPENDING') && labels.includes('AWSPREVIOUS')) {
        await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: versionId }));
      }
    }
  }

  /** Runs `use` while the local Secrets Manager finishes rotations in `mode`, then restores the run's mode. */
  async withPendingAfterRotation<T>(mode: PendingAfterRotation, use: () => Promise<T>): Promise<T> {
    const previous = this.sm.pendingAfterRotation;
    this.sm.pendingAfterRotation = mode;
    try {
      return await use();
    } finally {
      this.sm.pendingAfterRotation = previous;
    }
  }

  /** Feeds every value ever stored in the local Secrets Manager to the leak detector. */
  collectStoredSecrets(): void {
    for (const id of this.#secretIds) {
      for (const version of this.sm.versions(id)) this.leaks.addSecretString(version.secretString);
    }
  }
}

export { ContractContext, testPassword, uniqueName };
export type { SecretState };
