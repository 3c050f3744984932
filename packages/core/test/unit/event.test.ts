import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../src/errors.js';
import { parseRotationEvent } from '../../src/event.js';

describe('parseRotationEvent', () => {
  it('returns the three fields when the event is well formed', () => {
    expect(parseRotationEvent({ Step: 'setSecret', SecretId: 'arn:x', ClientRequestToken: 't1' })).toEqual({
      step: 'setSecret',
      secretId: 'arn:x',
      clientRequestToken: 't1',
    });
  });

  it.each([
    ['Step', { SecretId: 's', ClientRequestToken: 't' }],
    ['Step', { Step: 'dropSecret', SecretId: 's', ClientRequestToken: 't' }],
    ['Step', { Step: 7, SecretId: 's', ClientRequestToken: 't' }],
    ['SecretId', { Step: 'createSecret', ClientRequestToken: 't' }],
    ['SecretId', { Step: 'createSecret', SecretId: '', ClientRequestToken: 't' }],
    ['ClientRequestToken', { Step: 'createSecret', SecretId: 's', ClientRequestToken: ['t'] }],
  ])('throws InvalidEventError naming %s when it is missing or malformed', (field, event) => {
    expect(() => parseRotationEvent(event)).toThrow(expect.objectContaining({ code: 'INVALID_EVENT', field }));
  });

  it.each([null, 'createSecret', [1], 3])('throws InvalidEventError when the event is %j', (event) => {
    expect(() => parseRotationEvent(event)).toThrow(InvalidEventError);
  });
});
