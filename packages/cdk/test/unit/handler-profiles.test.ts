import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLER_PROFILES, handlerProfile } from '../../src/index.js';

describe('handler profiles', () => {
  it('name every handler <engine>-<strategy>, once', () => {
    const names = HANDLER_PROFILES.map((profile) => profile.name);

    expect(names).toEqual(HANDLER_PROFILES.map((profile) => `${profile.engine}-${profile.strategy}`));
    expect(new Set(names).size).toBe(names.length);
  });

  it('fit the Serverless Application Repository limits on descriptions and labels', () => {
    for (const profile of HANDLER_PROFILES) {
      expect(profile.description.length, profile.name).toBeLessThanOrEqual(256);
      expect(profile.labels.length, profile.name).toBeLessThanOrEqual(10);
      for (const label of profile.labels) expect(label, profile.name).toMatch(/^[a-zA-Z0-9+\-_:/@]{1,127}$/);
    }
  });

  it('need a master secret exactly for alternating users, and RDS only with one', () => {
    for (const profile of HANDLER_PROFILES) {
      expect(profile.needsMasterSecret, profile.name).toBe(profile.strategy === 'alternating-users');
      if (profile.needsRds) expect(profile.needsMasterSecret, profile.name).toBe(true);
      const sids = profile.statements.map((statement) => statement.sid);
      expect(sids.includes('ReadMasterSecret'), profile.name).toBe(profile.needsMasterSecret);
    }
  });

  it('map the eight HostedRotationLambda rotation types the project covers to one handler each', () => {
    const covered = HANDLER_PROFILES.flatMap((profile) => profile.replacesRotationTypes.map((type) => [type, profile.name]));

    expect(Object.fromEntries(covered)).toEqual({
      PostgreSQLSingleUser: 'postgres-single-user',
      PostgreSQLMultiUser: 'postgres-alternating-users',
      MySQLSingleUser: 'mysql-single-user',
      MariaDBSingleUser: 'mysql-single-user',
      MySQLMultiUser: 'mysql-alternating-users',
      MariaDBMultiUser: 'mysql-alternating-users',
      MongoDBSingleUser: 'documentdb-single-user',
      MongoDBMultiUser: 'documentdb-alternating-users',
    });
  });

  it('throws for a handler the build does not produce', () => {
    expect(() => handlerProfile('generic', 'alternating-users')).toThrow(/no alternating-users handler for engine "generic"/);
  });

  it('do not import aws-cdk-lib, so the SAM generator can use them without CDK', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'handler-profiles.ts'), 'utf8');

    expect(source).not.toMatch(/^import /m);
  });
});
