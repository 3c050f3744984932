/**
 * Every server version the tests run against, in one place: the container image used when a container
 * runtime answers, and the Debian package (and major version) used for native servers otherwise.
 */
const SERVER_VERSIONS = {
  postgres: { image: 'postgres:15-alpine', debianPackage: 'postgresql', major: 15 },
  mariadb: { image: 'mariadb:10.11', debianPackage: 'mariadb-server', major: 10 },
  mysql: { image: 'mysql:8.4', debianPackage: undefined, major: 8 },
  redis: { image: 'redis:7-alpine', debianPackage: 'redis-server', major: 7 },
  valkey: { image: 'valkey/valkey:8', debianPackage: undefined, major: 8 },
  mongo: { image: 'mongo:7', debianPackage: undefined, major: 7 },
  ferretdb: { goModule: 'github.com/FerretDB/FerretDB/cmd/ferretdb', version: 'v1.24.2' },
} as const;

export { SERVER_VERSIONS };
