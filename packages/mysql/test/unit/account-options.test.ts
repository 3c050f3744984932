import { describe, expect, it } from 'vitest';
import { type AccountOptions, defaultOptions, optionsClause, optionsStatement } from '../../src/account-options.js';
import { parseServerFacts, serverCapabilities } from '../../src/server-facts.js';

const caps = (version: string) => serverCapabilities(parseServerFacts(version, '') ?? { flavour: 'mysql', version: [0, 0, 0], aurora: false, sqlMode: '' });
const account = { user: 'app_clone', host: '%' };

function options(overrides: Partial<AccountOptions['tls']> = {}, limits: Partial<AccountOptions['limits']> = {}): AccountOptions {
  const base = defaultOptions('caching_sha2_password', false);
  return { ...base, tls: { ...base.tls, ...overrides }, limits: { ...base.limits, ...limits } };
}

describe('account options', () => {
  it('states cipher, issuer and subject as escaped literals', () => {
    const wanted = options({ type: 'SPECIFIED', cipher: "EC'DHE", issuer: '/CN=x\\y', subject: '' }, { queriesPerHour: 5, userConnections: 2 });

    expect(optionsClause(wanted)).toBe(
      "REQUIRE CIPHER 'EC\\'DHE' AND ISSUER '/CN=x\\\\y' WITH MAX_QUERIES_PER_HOUR 5 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 2",
    );
  });

  it('uses ALTER USER where it takes REQUIRE and WITH, GRANT USAGE on MySQL 5.6, nothing when equal', () => {
    const wanted = options({ type: 'ANY' });

    expect(optionsStatement(caps('8.0.35'), account, wanted, options())?.sql).toBe(
      "ALTER USER 'app_clone'@'%' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 0",
    );
    expect(optionsStatement(caps('5.6.51'), account, options({ type: 'X509' }), options())?.sql).toMatch(/^GRANT USAGE ON \*\.\* TO 'app_clone'@'%' REQUIRE X509 WITH /);
    expect(optionsStatement(caps('8.0.35'), account, wanted, options({ type: 'ANY' }))).toBeUndefined();
  });

  it('includes MariaDB\'s MAX_STATEMENT_TIME and compares it as a number', () => {
    const base = defaultOptions('mysql_native_password', true);
    const wanted = { ...base, limits: { ...base.limits, statementTime: '2.500000' } };
    const same = { ...base, limits: { ...base.limits, statementTime: '2.5' } };

    expect(optionsClause(wanted)).toMatch(/ MAX_STATEMENT_TIME 2\.500000$/);
    expect(optionsStatement(caps('10.11.6-MariaDB'), account, wanted, same)).toBeUndefined();
  });

  it('refuses limits that are not plain numbers rather than put them into SQL', () => {
    expect(() => optionsClause(options({}, { queriesPerHour: -1 }))).toThrow();
    expect(() => optionsClause({ ...options(), limits: { ...options().limits, statementTime: '1; DROP USER x' } })).toThrow();
  });
});
