import { describe, expect, it } from 'vitest';
import { createStepMetrics } from '../../src/metrics.js';

function capture() {
  const lines: string[] = [];
  const record = createStepMetrics({
    enabled: true,
    namespace: 'RotationLambdas',
    engine: 'postgres',
    strategy: 'single-user',
    write: (line) => lines.push(line),
    now: () => 1_700_000_000_000,
  });
  return { lines, record, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('step metrics (EMF)', () => {
  it('writes one EMF object per step with the engine, strategy and step as dimensions', () => {
    const { record, parsed, lines } = capture();

    record({ step: 'setSecret', outcome: 'succeeded', durationMs: 42.4 });

    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(parsed()[0]).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'RotationLambdas',
            Dimensions: [['Engine', 'Strategy', 'Step']],
            Metrics: [
              { Name: 'StepDuration', Unit: 'Milliseconds' },
              { Name: 'StepSucceeded', Unit: 'Count' },
              { Name: 'StepFailed', Unit: 'Count' },
              { Name: 'StepSkipped', Unit: 'Count' },
            ],
          },
        ],
      },
      Engine: 'postgres',
      Strategy: 'single-user',
      Step: 'setSecret',
      StepDuration: 42,
      StepSucceeded: 1,
      StepFailed: 0,
      StepSkipped: 0,
    });
  });

  it('adds an ErrorCode dimension set to failures', () => {
    const { record, parsed } = capture();

    record({ step: 'testSecret', outcome: 'failed', durationMs: 5, errorCode: 'ENGINE_AUTH' });

    const line = parsed()[0] as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] }; ErrorCode: string; StepFailed: number };
    expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['Engine', 'Strategy', 'Step'],
      ['Engine', 'Strategy', 'ErrorCode'],
    ]);
    expect(line).toMatchObject({ ErrorCode: 'ENGINE_AUTH', StepFailed: 1 });
  });

  it('counts a completed rotation when finishSecret succeeds', () => {
    const { record, parsed } = capture();

    record({ step: 'finishSecret', outcome: 'succeeded', durationMs: 3 });

    expect(parsed()[0]).toMatchObject({ RotationCompleted: 1 });
  });

  it('writes nothing when disabled', () => {
    const lines: string[] = [];
    const record = createStepMetrics({ enabled: false, namespace: 'n', engine: 'e', strategy: 'single-user', write: (line) => lines.push(line) });

    record({ step: 'createSecret', outcome: 'succeeded', durationMs: 1 });

    expect(lines).toEqual([]);
  });
});
