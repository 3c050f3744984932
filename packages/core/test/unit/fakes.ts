import type { AdminSession, AlternateUserChange, EngineAdapter, RotationMarker, UserSession, UserState } from '../../src/engine.js';
import { type CredentialsRole, EngineAuthError, type SecretSource } from '../../src/errors.js';
import { type RotatableSecret, requirePassword, requireString, type SecretJson } from '../../src/secret-fields.js';

interface FakeVersion {
  value: string | undefined;
  stages: string[];
}

/**
 * A minimal in-memory stand-in for Secrets Manager for unit tests of the protocol logic. The real-SDK,
 * real-service-rules proof is the local Secrets Manager in test-env; this fake only answers the calls.
 */
class FakeSecretsManager {
  readonly versions = new Map<string, FakeVersion>();
  readonly calls: string[] = [];
  readonly arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
  rotationEnabled = true;
  failNext: { operation: string; name: string } | undefined;
  putConflict = false;
  /** Other secrets (the master), read by id at AWSCURRENT: id → the ARN and name the service resolves it to, and the value. */
  readonly others = new Map<string, { arn: string; name: string; value: string }>();

  constructor(current: SecretJson) {
    this.versions.set('v1', { value: JSON.stringify(current), stages: ['AWSCURRENT'] });
  }

  startRotation(token: string): void {
    this.versions.set(token, { value: undefined, stages: ['AWSPENDING'] });
  }

  value(token: string): SecretJson | undefined {
    const value = this.versions.get(token)?.value;
    return value === undefined ? undefined : (JSON.parse(value) as SecretJson);
  }

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }, _options?: unknown): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '');
    this.calls.push(operation);
    const input = command.input;
    if (this.failNext?.operation === operation) {
      const error = Object.assign(new Error('injected'), { name: this.failNext.name });
      this.failNext = undefined;
      throw error;
    }
    switch (operation) {
      case 'DescribeSecret':
        return {
          ARN: this.arn,
          Name: 'app',
          RotationEnabled: this.rotationEnabled,
          VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, version]) => [id, version.stages])),
        };
      case 'GetSecretValue': {
        const other = this.others.get(String(input.SecretId));
        if (other !== undefined && input.VersionId === undefined) return { ARN: other.arn, Name: other.name, SecretString: other.value };
        const version = this.versions.get(String(input.VersionId));
        if (version?.value === undefined) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
        return { SecretString: version.value };
      }
      case 'GetRandomPassword':
        return { RandomPassword: `Generated-${this.calls.length}-Password` };
      case 'PutSecretValue': {
        if (this.putConflict) throw Object.assign(new Error('exists'), { name: 'ResourceExistsException' });
        const version = this.versions.get(String(input.ClientRequestToken));
        if (version) version.value = String(input.SecretString);
        return {};
      }
      case 'UpdateSecretVersionStage': {
        for (const version of this.versions.values()) version.stages = version.stages.filter((stage) => stage !== 'AWSCURRENT' && stage !== 'AWSPREVIOUS');
        const from = this.versions.get(String(input.RemoveFromVersionId));
        from?.stages.push('AWSPREVIOUS');
        const to = this.versions.get(String(input.MoveToVersionId));
        if (to) to.stages = ['AWSCURRENT'];
        return {};
      }
      default:
        throw new Error(`unexpected ${operation}`);
    }
  }
}

interface FakeSecret extends RotatableSecret {
  readonly host: string;
}

/** An engine whose "server" is a map of users to passwords, recording what it was asked to do. */
class FakeEngine implements EngineAdapter<FakeSecret> {
  readonly name = 'fake';
  readonly defaults = { excludeCharacters: '', passwordLength: 32 };
  readonly users = new Map<string, { password: string; marker: RotationMarker | undefined; nopass?: boolean }>();
  readonly changes: (AlternateUserChange | { own: string })[] = [];
  connections = 0;

  parseSecret(json: SecretJson, source: SecretSource): FakeSecret {
    return {
      username: requireString(json, 'username', source),
      password: requirePassword(json, source),
      host: requireString(json, 'host', source),
      masterarn: typeof json.masterarn === 'string' ? json.masterarn : undefined,
      ssl: json.ssl !== false,
      fields: json,
    };
  }

  resourceOf(secret: FakeSecret) {
    return { host: secret.host.toLowerCase() };
  }

  endpointsOf(secret: FakeSecret) {
    return [{ host: secret.host, port: 1 }];
  }

  maxUsernameLength(): number {
    return 16;
  }

  async connect(secret: FakeSecret, login: CredentialsRole): Promise<UserSession> {
    this.connections += 1;
    const user = this.users.get(secret.username);
    if (user === undefined || (!user.nopass && user.password !== secret.password)) throw new EngineAuthError('refused', login);
    const engine = this;
    return {
      async verify() {},
      async changeOwnPassword(change) {
        engine.changes.push({ own: secret.username });
        const user = engine.users.get(secret.username);
        if (user) user.password = change.newPassword;
      },
      async close() {},
    };
  }

  async connectAdmin(master: FakeSecret): Promise<AdminSession> {
    await this.connect(master, 'master');
    const engine = this;
    return {
      async describeUser(username): Promise<UserState> {
        const user = engine.users.get(username);
        return user === undefined ? { exists: false } : { exists: true, marker: user.marker };
      },
      async applyAlternateUser(change) {
        engine.changes.push(change);
        const existing = engine.users.get(change.target);
        engine.users.set(change.target, { password: change.password, marker: existing?.marker });
        const clone = engine.users.get(change.clone);
        if (clone && change.markClone) clone.marker = { secretArn: change.secretArn, alternateOf: change.original };
      },
      async close() {},
    };
  }
}

export { FakeEngine, FakeSecretsManager };
export type { FakeSecret };
