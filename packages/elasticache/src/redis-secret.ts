import {
  InvalidSecretError,
  normalizeHost,
  optionalString,
  type RotatableSecret,
  readPort,
  readSsl,
  requireEngine,
  requirePassword,
  requireString,
  type SecretJson,
  type SecretSource,
} from '@rotation-lambdas/core';
import { parseUserArn, type UserArn } from './user-arn.js';

/** The `engine` values these handlers serve: self-managed Redis or Valkey, or ElastiCache. */
const ENGINES = ['redis', 'valkey', 'elasticache'] as const;

const DEFAULT_PORT = 6379;

/** ElastiCache's largest cluster has 500 nodes; a longer list is a mistake, not a topology. */
const MAX_NODES = 500;

/** One server that holds the user: Redis does not replicate ACL changes, so every node is changed on its own. */
interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** The secret JSON these handlers rotate (see the README for each field). */
interface RedisSecret extends RotatableSecret {
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  /** true: TLS with certificate and hostname verification; false: plaintext. Never a fallback between them. */
  readonly ssl: boolean;
  /** Present for ElastiCache RBAC users: passwords then change through the ElastiCache API only. */
  readonly userArn: UserArn | undefined;
  /** Extra nodes besides `host`/`port` (replicas, other shards), as the secret lists them. */
  readonly nodes: readonly RedisNode[];
}

function invalid(source: SecretSource, field: string, rule: string): InvalidSecretError {
  return new InvalidSecretError(`Field "${field}" of the ${source} secret ${rule}`, source, { field });
}

const NODE_STRING = /^(?:\[(?<ipv6>[0-9a-fA-F:.]+)\]|(?<name>[^\s:[\]]+))(?::(?<port>\d+))?$/;

function nodePort(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function readNode(entry: unknown, source: SecretSource, fallbackPort: number): RedisNode {
  let host: string | undefined;
  let port: number | undefined;
  if (typeof entry === 'string') {
    const match = NODE_STRING.exec(entry.trim());
    host = match?.groups?.ipv6 ?? match?.groups?.name;
    port = nodePort(match?.groups?.port, fallbackPort);
  } else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
    const node = entry as SecretJson;
    host = typeof node.host === 'string' && node.host.trim() !== '' && !/\s/.test(node.host.trim()) ? node.host.trim() : undefined;
    port = nodePort(node.port, fallbackPort);
  }
  if (host === undefined || port === undefined) {
    throw invalid(source, 'nodes', 'must list nodes as "host:port" strings or {"host", "port"} objects');
  }
  return { host, port };
}

function readNodes(json: SecretJson, source: SecretSource, fallbackPort: number): RedisNode[] {
  const value = json.nodes;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(source, 'nodes', 'must be a list');
  if (value.length > MAX_NODES) throw invalid(source, 'nodes', `must list at most ${MAX_NODES} nodes`);
  return value.map((entry: unknown) => readNode(entry, source, fallbackPort));
}

function readUsername(json: SecretJson, source: SecretSource): string {
  const username = requireString(json, 'username', source);
  // Redis refuses such names ("Usernames can't contain spaces or null characters"), as ElastiCache does.
  if (/\s/.test(username)) throw invalid(source, 'username', 'must not contain whitespace');
  return username;
}

function readUserArn(json: SecretJson, source: SecretSource): UserArn | undefined {
  const value = optionalString(json, 'user_arn', source);
  if (value === undefined) return undefined;
  const arn = parseUserArn(value);
  if (arn === undefined) throw invalid(source, 'user_arn', 'must be an ElastiCache user ARN (arn:aws:elasticache:<region>:<account>:user:<id>)');
  return arn;
}

/** Validates a Redis/ElastiCache secret; throws InvalidSecretError naming the first bad field. */
function parseRedisSecret(json: SecretJson, source: SecretSource): RedisSecret {
  const engine = requireEngine(json, source, ENGINES);
  const host = requireString(json, 'host', source);
  if (/\s/.test(host)) throw invalid(source, 'host', 'must not contain whitespace');
  const port = readPort(json, source, DEFAULT_PORT);
  return {
    engine,
    host,
    port,
    username: readUsername(json, source),
    password: requirePassword(json, source),
    ssl: readSsl(json, source),
    masterarn: optionalString(json, 'masterarn', source),
    userArn: readUserArn(json, source),
    nodes: readNodes(json, source, port),
    fields: json,
  };
}

/** A node's identity: host names compared as DNS does. */
function nodeKey(node: RedisNode): string {
  return `${normalizeHost(node.host)}:${node.port}`;
}

/** `host`/`port` and every listed node, each once (host names compared as DNS does). */
function allNodes(secret: Pick<RedisSecret, 'host' | 'port' | 'nodes'>): RedisNode[] {
  const seen = new Set<string>();
  const nodes: RedisNode[] = [];
  for (const node of [{ host: secret.host, port: secret.port }, ...secret.nodes]) {
    const key = nodeKey(node);
    if (seen.has(key)) continue;
    seen.add(key);
    nodes.push(node);
  }
  return nodes;
}

/**
 * What must agree between the current and pending versions: the engine value, the primary endpoint, the
 * whole node set (order and duplicates aside) and the ElastiCache user ARN, whose absence is compared too.
 */
function redisResource(secret: RedisSecret): Record<string, string | number | undefined> {
  const nodes = allNodes(secret).map(nodeKey).sort();
  return {
    engine: secret.engine,
    host: normalizeHost(secret.host),
    port: secret.port,
    nodes: nodes.join(','),
    user_arn: secret.userArn?.arn,
  };
}

export { allNodes, ENGINES, nodeKey, parseRedisSecret, redisResource };
export type { RedisNode, RedisSecret };
