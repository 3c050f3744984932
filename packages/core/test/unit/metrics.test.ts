import { describe, expect, it } from 'vitest';
import { readRotationConfig } from '../../src/config.js';
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
            Dimensions: [['service', 'Engine', 'Strategy', 'Step']],
            Metrics: [
              { Name: 'StepDuration', Unit: 'Milliseconds' },
              { Name: 'StepSucceeded', Unit: 'Count' },
              { Name: 'StepFailed', Unit: 'Count' },
              { Name: 'StepSkipped', Unit: 'Count' },
            ],
          },
        ],
      },
      level: 'INFO',
      service: 'rotation-lambdas',
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
      ['service', 'Engine', 'Strategy', 'Step'],
      ['service', 'Engine', 'Strategy', 'ErrorCode'],
    ]);
    expect(line).toMatchObject({ ErrorCode: 'ENGINE_AUTH', StepFailed: 1 });
  });

  it('counts a completed rotation when finishSecret succeeds', () => {
    const { record, parsed } = capture();

    record({ step: 'finishSecret', outcome: 'succeeded', durationMs: 3 });

    expect(parsed()[0]).toMatchObject({ RotationCompleted: 1 });
  });

  it('counts a cold start by service and function name, as Powertools Metrics does', () => {
    const { record, parsed } = capture();

    record({ step: 'createSecret', outcome: 'succeeded', durationMs: 3, coldStart: true, functionName: 'rotate-app' });
    record({ step: 'setSecret', outcome: 'succeeded', durationMs: 3, coldStart: false, functionName: 'rotate-app' });

    const [cold, warm] = parsed() as { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } }[];
    expect(cold?._aws.CloudWatchMetrics[1]).toEqual({ Namespace: 'RotationLambdas', Dimensions: [['service', 'function_name']], Metrics: [{ Name: 'ColdStart', Unit: 'Count' }] });
    expect(cold).toMatchObject({ ColdStart: 1, function_name: 'rotate-app' });
    expect(warm?._aws.CloudWatchMetrics).toHaveLength(1);
  });

  it('carries the level Lambda filters on, so a WARN or ERROR application log level does not drop it', () => {
    for (const [configured, carried] of [[undefined, 'INFO'], ['DEBUG', 'INFO'], ['WARN', 'WARN'], ['ERROR', 'ERROR'], ['FATAL', 'FATAL']] as const) {
      const { metrics } = readRotationConfig(configured === undefined ? {} : { AWS_LAMBDA_LOG_LEVEL: configured }, { excludeCharacters: '', passwordLength: 32 });
      const lines: string[] = [];
      createStepMetrics({ ...metrics, engine: 'e', strategy: 'single-user', write: (line) => lines.push(line) })({ step: 'createSecret', outcome: 'succeeded', durationMs: 1 });
      expect(JSON.parse(lines[0] ?? '{}').level).toBe(carried);
    }
  });

  it('takes the namespace from POWERTOOLS_METRICS_NAMESPACE, then ROTATION_METRICS_NAMESPACE', () => {
    const defaults = { excludeCharacters: '', passwordLength: 32 };
    expect(readRotationConfig({ POWERTOOLS_METRICS_NAMESPACE: 'Team', ROTATION_METRICS_NAMESPACE: 'Old' }, defaults).metrics.namespace).toBe('Team');
    expect(readRotationConfig({ ROTATION_METRICS_NAMESPACE: 'Old' }, defaults).metrics.namespace).toBe('Old');
    expect(readRotationConfig({}, defaults).metrics.namespace).toBe('RotationLambdas');
  });

  it('writes nothing when disabled', () => {
    const lines: string[] = [];
    const record = createStepMetrics({ enabled: false, namespace: 'n', engine: 'e', strategy: 'single-user', write: (line) => lines.push(line) });

    record({ step: 'createSecret', outcome: 'succeeded', durationMs: 1 });

    expect(lines).toEqual([]);
  });
});
