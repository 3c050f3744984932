import type { Credentials } from '../database-server.js';
import type { HandlerEnvironment } from '../handler-loader.js';
import type { WireProtocol } from '../crash-proxy/wire-commands.js';
import type { TestCertificates } from '../tls-certificates.js';

/** The two handlers an engine package builds. */
type Strategy = 'single-user' | 'alternating-users';

/** A privilege only one user was granted (a table it may read, a key pattern it may use). */
type Probe = string;

/** TLS variants of a test server. */
interface TlsServerOptions {
  /** Host names and addresses the server certificate is valid for. */
  readonly hosts: readonly string[];
}

/** A running server the contract suite drives, with the engine-specific ways to make and check users. */
interface EngineTarget extends AsyncDisposable {
  /** The host secrets name (matches the certificate when TLS is on). */
  readonly host: string;
  readonly port: number;
  /** Credentials of a master user that can create users and grant them what it has (not a superuser where avoidable). */
  readonly master: Credentials;
  readonly tls: TestCertificates | undefined;
  /** Secret JSON for `credentials` on this server (TLS off unless the target serves TLS). */
  secretFor(credentials: Credentials): Record<string, unknown>;
  createUser(credentials: Credentials): Promise<void>;
  /** Grants `username` a privilege nobody else has; returns a probe to check with `canUseProbe`. */
  grantProbe(username: string): Promise<Probe>;
  canUseProbe(credentials: Credentials, probe: Probe): Promise<boolean>;
  canLogin(credentials: Credentials): Promise<boolean>;
  userExists(username: string): Promise<boolean>;
  dropUser(username: string): Promise<void>;
  /**
   * Creates a login user the server lets in with any password (Redis `nopass`, ElastiCache `no-password`, a
   * pg_hba `trust` line), for the attacks that rely on one; absent where the server has no such account.
   */
  createOpenUser?(username: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An engine's half of the contract: its built handlers, how to start its server, and the user names that
 * need its quoting rules. Everything else the suite does is the same for every engine.
 */
interface EngineFixture {
  /** Engine name as the handlers report it (`postgres`). */
  readonly engine: string;
  /** Absolute paths of the built bundles, `dist/<engine>-<strategy>/index.mjs`. */
  readonly bundles: Readonly<Record<Strategy, string>>;
  /** Starts a server; with `tls`, one serving a certificate from a fresh test CA. */
  startTarget(options?: { tls?: TlsServerOptions; requireTls?: boolean }): Promise<EngineTarget>;
  /** Valid user names that exercise the engine's quoting: quotes, semicolons, comment markers, unicode. */
  readonly hostileUsernames: readonly string[];
  /** Extra handler environment the engine's tests need. */
  readonly handlerEnv?: HandlerEnvironment;
  /** Another `engine` value the handlers accept for the same server (aurora-postgresql for postgres). */
  readonly engineAlias: string;
  /** Secret fields that must be equal in current and pending, besides username (host, port, dbname, engine…). */
  readonly comparedFields: readonly string[];
  /**
   * How RDS describes this engine's master when it manages the master secret (engine name, and whether the
   * tag names an instance or a cluster); absent for engines RDS does not manage (ElastiCache).
   */
  readonly rdsManaged?: { readonly engine: string; readonly kind: 'instance' | 'cluster' };
  /**
   * Single-user rotation keeps the previous password valid for one more rotation (zero-downtime engines:
   * Redis ACL users and ElastiCache users hold two passwords). The contract then checks that the previous
   * password still works after a rotation and the one before it does not.
   */
  readonly keepsPreviousPassword?: boolean;
  /**
   * Whether the server enforces per-user privileges the suite can probe. FerretDB 1.x does not; its fixture
   * sets false and the engine's README says where role copying is proven instead.
   */
  readonly enforcesPrivileges?: boolean;
  /**
   * The target can create accounts the server lets in with any password (`createOpenUser`), so the attacker
   * contract runs the attacks that rely on one.
   */
  readonly openUsers?: boolean;
  /** The client protocol the crash proxy parses to count and interrupt commands (reliability suite). */
  readonly wireProtocol?: WireProtocol;
  /** How long a secret's alternate name may be before the engine refuses it (for the limit test). */
  readonly maxUsernameLength: number;
}

export type { EngineFixture, EngineTarget, Probe, Strategy, TlsServerOptions };
