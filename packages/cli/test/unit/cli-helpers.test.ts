import { describe, expect, it } from 'vitest';
import { handlerNames, resolveHandler } from '../../src/handlers.js';
import { errorLine } from '../../src/output.js';

describe('rotate helpers', () => {
  it('knows every handler the build produces, by zip name', () => {
    expect(handlerNames()).toEqual([
      'postgres-single-user',
      'postgres-alternating-users',
      'mysql-single-user',
      'mysql-alternating-users',
      'documentdb-single-user',
      'documentdb-alternating-users',
      'elasticache-single-user',
      'elasticache-alternating-users',
      'generic-single-user',
    ]);
    expect(resolveHandler('mysql-alternating-users')).toMatchObject({ engine: 'mysql', strategy: 'alternating-users' });
    expect(resolveHandler('generic-alternating-users')).toBeUndefined();
  });

  it('turns an error into one line with its field and code', () => {
    const error = Object.assign(new Error('Field "port" of the AWSCURRENT secret must be an integer'), { code: 'INVALID_SECRET', field: 'port' });

    expect(errorLine(error)).toBe('rotate: Field "port" of the AWSCURRENT secret must be an integer (field port) [INVALID_SECRET]');
    expect(errorLine('plain')).toBe('rotate: plain');
  });
});
