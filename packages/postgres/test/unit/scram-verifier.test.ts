import { describe, expect, it } from 'vitest';
import { preparePassword, scramSha256Verifier } from '../../src/scram-verifier.js';

describe('scramSha256Verifier', () => {
  it('matches the RFC 7677 test vector derivation (password "pencil")', () => {
    // RFC 7677 §3: salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations; PostgreSQL stores StoredKey and ServerKey.
    const verifier = scramSha256Verifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));

    expect(verifier).toBe(
      'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=',
    );
  });

  it('uses a fresh salt each time', () => {
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same'));
  });

  it('prepares passwords like pg_saslprep: ASCII untouched, others normalised, prohibited ones raw', () => {
    expect(preparePassword('a\u0007b')).toBe('a\u0007b');
    expect(preparePassword('ﬁ')).toBe('fi');
    expect(preparePassword('a\u00a0b')).toBe('a b');
    expect(preparePassword('a\u0080b')).toBe('a\u0080b');
  });
});
