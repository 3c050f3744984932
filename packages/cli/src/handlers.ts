import {
  type EngineAdapter,
  type EngineDefaults,
  type RotatableSecret,
  type RotationConfig,
  RotationStrategy,
} from '@rotation-lambdas/core';
import { createDocumentDbAdapter, DOCUMENTDB_DEFAULTS } from '@rotation-lambdas/documentdb/adapter';
import { createElastiCacheAdapter, ELASTICACHE_DEFAULTS } from '@rotation-lambdas/elasticache/adapter';
import { createServiceAdapter } from '@rotation-lambdas/generic';
import { API_KEY_DEFAULTS, createApiKeyRotator } from '@rotation-lambdas/generic/example';
import { createMysqlAdapter, MYSQL_DEFAULTS } from '@rotation-lambdas/mysql/adapter';
import { createPostgresAdapter, POSTGRES_DEFAULTS } from '@rotation-lambdas/postgres/adapter';

/** An engine as the CLI uses it: its password defaults and how to build its adapter from a configuration. */
interface EngineEntry {
  readonly defaults: EngineDefaults;
  readonly strategies: readonly RotationStrategy[];
  create(config: RotationConfig): EngineAdapter<RotatableSecret>;
}

const BOTH = [RotationStrategy.SingleUser, RotationStrategy.AlternatingUsers] as const;

/**
 * Each adapter is typed by its own secret shape; the registry holds them side by side, so this is the one
 * place that forgets the shape (an existential type TypeScript cannot spell). The core only ever hands an
 * adapter the secrets that adapter parsed itself.
 */
function anyEngine<S extends RotatableSecret>(create: (config: RotationConfig) => EngineAdapter<S>): EngineEntry['create'] {
  return create as unknown as EngineEntry['create'];
}

/** Every engine the handlers cover, by the name their zips carry. */
const ENGINES: Readonly<Record<string, EngineEntry>> = {
  postgres: { defaults: POSTGRES_DEFAULTS, strategies: BOTH, create: anyEngine((config) => createPostgresAdapter({ config })) },
  mysql: { defaults: MYSQL_DEFAULTS, strategies: BOTH, create: anyEngine((config) => createMysqlAdapter({ config })) },
  documentdb: { defaults: DOCUMENTDB_DEFAULTS, strategies: BOTH, create: anyEngine((config) => createDocumentDbAdapter({ config })) },
  elasticache: { defaults: ELASTICACHE_DEFAULTS, strategies: BOTH, create: anyEngine((config) => createElastiCacheAdapter({ config })) },
  generic: {
    defaults: API_KEY_DEFAULTS,
    strategies: [RotationStrategy.SingleUser],
    create: anyEngine((config) => createServiceAdapter(createApiKeyRotator({ timeoutMs: config.statementTimeoutMs }))),
  },
};

/** The handler names the CLI accepts: `<engine>-<strategy>`, as the zips are named. */
function handlerNames(): string[] {
  return Object.entries(ENGINES).flatMap(([engine, entry]) => entry.strategies.map((strategy) => `${engine}-${strategy}`));
}

/** The engine entry and strategy for a handler name, or undefined for an unknown one. */
function resolveHandler(name: string): { engine: string; entry: EngineEntry; strategy: RotationStrategy } | undefined {
  for (const [engine, entry] of Object.entries(ENGINES)) {
    for (const strategy of entry.strategies) if (name === `${engine}-${strategy}`) return { engine, entry, strategy };
  }
  return undefined;
}

export { handlerNames, resolveHandler };
export type { EngineEntry };
