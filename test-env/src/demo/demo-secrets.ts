import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { EngineTarget, Strategy } from '../contract/engine-fixture.js';
import type { Credentials } from '../database-server.js';
import type { LocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';

/** Users and secrets for the demo and the benchmark, made through the real SDK against the local service. */
class DemoSecrets {
  readonly #sm: LocalSecretsManager;
  readonly #target: EngineTarget;
  readonly #secretFor: (credentials: Credentials) => Record<string, unknown>;
  #masterArn: Promise<string> | undefined;

  /** `secretFor` may rewrite the target's JSON (the benchmark points it at a counting proxy). */
  constructor(sm: LocalSecretsManager, target: EngineTarget, secretFor?: (credentials: Credentials) => Record<string, unknown>) {
    this.#sm = sm;
    this.#target = target;
    this.#secretFor = secretFor ?? ((credentials) => target.secretFor(credentials));
  }

  async createSecret(value: Record<string, unknown>, prefix: string): Promise<string> {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    const created = await this.#sm.client().send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    return created.ARN as string;
  }

  masterArn(): Promise<string> {
    this.#masterArn ??= this.createSecret(this.#secretFor(this.#target.master), 'demo-master');
    return this.#masterArn;
  }

  /** A new database user (app_<random>) and a secret for it, with `masterarn` for alternating users. */
  async userWithSecret(strategy: Strategy): Promise<{ user: Credentials; arn: string }> {
    const user = { username: `app_${randomBytes(3).toString('hex')}`, password: `Init-${randomBytes(12).toString('base64url')}` };
    await this.#target.createUser(user);
    const json = this.#secretFor(user);
    const masterarn = strategy === 'alternating-users' ? { masterarn: await this.masterArn() } : {};
    return { user, arn: await this.createSecret({ ...json, ...masterarn }, `demo-${strategy}`) };
  }

  async current(arn: string): Promise<Credentials> {
    const value = await this.#sm.client().send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(value.SecretString ?? '{}') as Credentials;
  }

  async stages(arn: string): Promise<Record<string, string[]>> {
    return (await this.#sm.client().send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};
  }
}

export { DemoSecrets };
