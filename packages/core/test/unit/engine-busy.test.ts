import { describe, expect, it } from 'vitest';
import { EngineBusyError, EngineConnectionError } from '../../src/errors.js';
import { isTransient } from '../../src/retry.js';

describe('EngineBusyError', () => {
  it('is an engine connection error with its own code, always transient, so core retries it', () => {
    const busy = new EngineBusyError('The server turned the current login away: too many connections', 'current', { engine: 'postgres' });

    expect(busy).toBeInstanceOf(EngineConnectionError);
    expect(busy).toMatchObject({ name: 'EngineBusyError', code: 'ENGINE_BUSY', transient: true, login: 'current', engine: 'postgres' });
    expect(busy.toJSON()).toMatchObject({ code: 'ENGINE_BUSY', login: 'current' });
    expect(isTransient(busy)).toBe(true);
  });

  it('leaves a plain unreachable server ENGINE_UNREACHABLE and not retried, unless the engine marks it transient', () => {
    expect(isTransient(new EngineConnectionError('refused', 'current'))).toBe(false);
    expect(isTransient(new EngineConnectionError('reset before login', 'current', { transient: true }))).toBe(true);
    expect(new EngineConnectionError('refused', 'current').code).toBe('ENGINE_UNREACHABLE');
  });
});
