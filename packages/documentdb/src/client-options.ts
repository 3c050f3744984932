import type { MongoClientOptions } from 'mongodb';
import { type DocumentDbSecret, hostForUri } from './documentdb-secret.js';

/** The driver settings one login needs; the CA list is resolved once per cold start and passed in. */
interface LoginSettings {
  readonly connectTimeoutMs: number;
  /** How long one command may wait for the server's answer (STATEMENT_TIMEOUT_SECONDS). */
  readonly statementTimeoutMs: number;
  /** Node's roots plus NODE_EXTRA_CA_CERTS, or undefined to use Node's defaults (the same roots). */
  readonly ca: readonly string[] | undefined;
}

/** What `new MongoClient(uri, options)` gets for one login. */
interface ClientSpec {
  readonly uri: string;
  readonly options: MongoClientOptions;
}

/**
 * Grace beyond the connect timeout before server selection gives up: the monitor's own connect error (TLS,
 * refused, DNS) must arrive first, because it says what went wrong and server selection's timeout does not.
 */
const SELECTION_GRACE_MS = 1_000;

/**
 * Driver options for one login as `username` on the secret's server. One MongoClient per login, so at most
 * two sockets: the monitor's and the single pooled connection (`maxPoolSize: 1`, polling monitor, no RTT
 * socket). `directConnection` talks to exactly the host in the secret, never to members it would discover;
 * `replicaSet` then only checks the set's name. Writes and reads are never retried (DocumentDB requires
 * `retryWrites=false`; a rotation step is retried by Secrets Manager instead). TLS verifies the chain and
 * host name against `settings.ca`, or is off when the secret says `ssl: false`; there is no fallback.
 */
function clientSpec(
  secret: DocumentDbSecret,
  credentials: { username: string; password: string; authSource: string },
  settings: LoginSettings,
): ClientSpec {
  const options: MongoClientOptions = {
    auth: { username: credentials.username, password: credentials.password },
    authSource: credentials.authSource,
    directConnection: true,
    ...(secret.replicaSet === undefined ? {} : { replicaSet: secret.replicaSet }),
    ...(secret.readPreference === undefined ? {} : { readPreference: secret.readPreference }),
    retryWrites: false,
    retryReads: false,
    maxAdaptiveRetries: 0,
    maxPoolSize: 1,
    minPoolSize: 0,
    maxConnecting: 1,
    serverMonitoringMode: 'poll',
    connectTimeoutMS: settings.connectTimeoutMs,
    serverSelectionTimeoutMS: settings.connectTimeoutMs + SELECTION_GRACE_MS,
    socketTimeoutMS: settings.statementTimeoutMs,
    appName: 'rotation-lambdas',
    tls: secret.ssl,
    ...(secret.ssl && settings.ca !== undefined ? { ca: [...settings.ca] } : {}),
  };
  return { uri: `mongodb://${hostForUri(secret.host)}:${secret.port}/`, options };
}

export { clientSpec, SELECTION_GRACE_MS };
export type { ClientSpec, LoginSettings };
