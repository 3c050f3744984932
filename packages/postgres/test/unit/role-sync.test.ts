import { describe, expect, it } from 'vitest';
import { attributeStatement, createCloneStatements, parseRotationMarker, setPasswordStatement, settingStatements, settingValueSql } from '../../src/role-sync.js';

const role = (overrides: Partial<Parameters<typeof attributeStatement>[1]> = {}) => ({
  oid: 1,
  rolcreatedb: false,
  rolcreaterole: false,
  rolreplication: false,
  rolbypassrls: false,
  rolconnlimit: -1,
  rolvaliduntil: 'infinity',
  comment: null,
  ...overrides,
});

describe('role sync statements', () => {
  it('quotes hostile names and the marker as PostgreSQL identifiers and literals', () => {
    const arn = "arn:aws:secretsmanager:us-east-1:1:secret:o'x-AbCdEf";
    const [create, comment] = createCloneStatements('x"; DROP ROLE a; --_clone', "o'brien", 'SCRAM-SHA-256$4096:c2FsdA==$a:b', arn);

    expect(create).toBe(`CREATE ROLE "x""; DROP ROLE a; --_clone" WITH LOGIN INHERIT PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'`);
    expect(comment).toBe(
      `COMMENT ON ROLE "x""; DROP ROLE a; --_clone" IS 'rotation-lambdas:{"secret":"arn:aws:secretsmanager:us-east-1:1:secret:o''x-AbCdEf","alternateOf":"o''brien"}'`,
    );
  });

  it('reads the marker back with its secret, and a marker from before markers named one as naming none', () => {
    expect(parseRotationMarker('rotation-lambdas:{"secret":"arn:a","alternateOf":"app"}')).toEqual({ secretArn: 'arn:a', alternateOf: 'app' });
    expect(parseRotationMarker('rotation-lambdas: alternate user of app, created by rotation')).toEqual({ secretArn: undefined, alternateOf: undefined });
    expect(parseRotationMarker('a role comment')).toBeUndefined();
    expect(parseRotationMarker(null)).toBeUndefined();
  });

  it('restores LOGIN only on the clone when setting a password', () => {
    expect(setPasswordStatement('app', 'v', false)).toBe(`ALTER ROLE "app" WITH PASSWORD 'v'`);
    expect(setPasswordStatement('app_clone', 'v', true)).toBe(`ALTER ROLE "app_clone" WITH LOGIN PASSWORD 'v'`);
  });

  it('emits one ALTER ROLE with only the attributes that differ', () => {
    const original = role({ rolcreatedb: true, rolconnlimit: 7, rolvaliduntil: '2099-01-01 00:00:00+00' });

    expect(attributeStatement('c', original, role())).toBe(
      `ALTER ROLE "c" WITH CREATEDB CONNECTION LIMIT 7 VALID UNTIL '2099-01-01 00:00:00+00'`,
    );
    expect(attributeStatement('c', role(), role())).toBeUndefined();
    expect(attributeStatement('c', role(), role({ rolcreaterole: true }))).toBe('ALTER ROLE "c" WITH NOCREATEROLE');
  });

  it('sets missing or different settings per database and resets extra ones', () => {
    const original = new Map([
      ['', new Map([['search_path', 'app, "My Schema"'], ['statement_timeout', '5s']])],
      ['sales db', new Map([['work_mem', '8MB']])],
    ]);
    const clone = new Map([['', new Map([['statement_timeout', '5s'], ['lock_timeout', '1s']])]]);

    expect(settingStatements('c', original, clone)).toEqual([
      `ALTER ROLE "c" SET "search_path" TO 'app', 'My Schema'`,
      `ALTER ROLE "c" RESET "lock_timeout"`,
      `ALTER ROLE "c" IN DATABASE "sales db" SET "work_mem" TO '8MB'`,
    ]);
  });

  it('quotes a non-list value as one literal, injection and all', () => {
    expect(settingValueSql('application_name', "x'; DROP ROLE a; --")).toBe(`'x''; DROP ROLE a; --'`);
  });
});
