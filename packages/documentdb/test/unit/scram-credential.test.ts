import { describe, expect, it } from 'vitest';
import { holdsScramPassword } from '../../src/scram-credential.js';

// The credentials FerretDB 1.24 stored for user "probeuser" with password "Probe-Password-1", as
// `usersInfo` with `showCredentials: true` reported them: a vector from a real server.
const credentials = {
  'SCRAM-SHA-1': { iterationCount: 10000, salt: '1xZbLnX52PZXc872LExtUg==', storedKey: '2L8pMTPVAZ+N20CXVuddBKvwLD4=', serverKey: '+anF2TuA61BHIZ/TErMm/hWEoEg=' },
  'SCRAM-SHA-256': {
    iterationCount: 15000,
    salt: 'DaOw05F8wAw6nrMFHGmz5kXS+LvJzp4FTCnCNQ==',
    storedKey: 'Gs0XvroZI1dcXzPSprY2ML+SUqIVrd+9hqa6SKgLMk8=',
    serverKey: 'Qg6pHp+cpW4X8bFml491JzKzWsae9fTJHSQohZmbdVY=',
  },
};

describe('SCRAM credential check (documentdb)', () => {
  it('recognises the password a stored credential was made from, by every mechanism', () => {
    expect(holdsScramPassword(credentials, 'probeuser', 'Probe-Password-1')).toBe(true);
    expect(holdsScramPassword({ 'SCRAM-SHA-1': credentials['SCRAM-SHA-1'] }, 'probeuser', 'Probe-Password-1')).toBe(true);
  });

  it('refuses another password, and another user name for SCRAM-SHA-1 (its input includes the name)', () => {
    expect(holdsScramPassword(credentials, 'probeuser', 'Probe-Password-2')).toBe(false);
    expect(holdsScramPassword({ 'SCRAM-SHA-1': credentials['SCRAM-SHA-1'] }, 'other', 'Probe-Password-1')).toBe(false);
  });

  it('cannot tell without credentials, or with an iteration count out of range', () => {
    expect(holdsScramPassword(undefined, 'probeuser', 'Probe-Password-1')).toBeUndefined();
    expect(holdsScramPassword({ 'SCRAM-SHA-256': { ...credentials['SCRAM-SHA-256'], iterationCount: 1e9 } }, 'probeuser', 'x')).toBeUndefined();
  });
});
