import { fileURLToPath } from 'node:url';
import { type ServerSpec, startDocumentDbTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';

const dist = (name: string) => fileURLToPath(new URL(`../../dist/${name}/index.mjs`, import.meta.url));

/**
 * DocumentDB's half of the contract: its bundles, its server (FerretDB, natively), and names MongoDB stores as BSON strings: dots, dollars, quotes, script-like text, unicode.
 * Names with `,` or `=` are left out: FerretDB 1.24 does not undo SCRAM's escaping of them, so they cannot log in.
 */
const documentDbFixture: EngineFixture = {
  engine: 'documentdb',
  bundles: {
    'single-user': dist('documentdb-single-user'),
    'alternating-users': dist('documentdb-alternating-users'),
  },
  startTarget: startDocumentDbTarget,
  hostileUsernames: [
    "o'brien",
    'dq"uote',
    'dot.ted.name',
    '$dollar$name',
    'a$b.c$d',
    'x"; db.dropUser("rotation_canary"); //',
    '{"$ne": null}',
    'back\\slash',
    'Mixed Case Space',
    'new\nline',
    'ünïcødé_用户',
    'key_🔑',
  ],
  engineAlias: 'docdb',
  comparedFields: ['engine', 'host', 'port', 'dbname'],
  rdsManaged: { engine: 'docdb', kind: 'cluster' },
  // FerretDB 1.x keeps users but enforces no privileges; MongoDB does, so the privilege cases run there.
  enforcesPrivileges: false,
  wireProtocol: 'mongodb',
  maxUsernameLength: 63,
};

/** The contract on a row of the server matrix: FerretDB 1.24 (native) or MongoDB 7 (where Docker can pull `mongo:7`). */
function documentDbFixtureOn(spec: ServerSpec): EngineFixture {
  return {
    ...documentDbFixture,
    startTarget: (options) => startDocumentDbTarget({ ...options, server: spec.id }),
    enforcesPrivileges: spec.product === 'mongo',
  };
}

export { documentDbFixture, documentDbFixtureOn };
