import type { RotationStep, RotationStrategy } from './constants.js';

/** How a step ended, as a metric dimension. */
type StepOutcome = 'succeeded' | 'failed' | 'skipped';

/** One step's measurements. */
interface StepMeasurement {
  readonly step: RotationStep | 'unknown';
  readonly outcome: StepOutcome;
  readonly durationMs: number;
  /** The RotationError code of a failure; a fixed vocabulary, never a value. */
  readonly errorCode?: string;
}

/** Where metric lines go and under which namespace. */
interface StepMetricsOptions {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly engine: string;
  readonly strategy: RotationStrategy;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** Records a step's duration and outcome. */
type StepMetrics = (measurement: StepMeasurement) => void;

/**
 * CloudWatch Embedded Metric Format lines, one per step: StepDuration (ms) and StepSucceeded / StepFailed /
 * StepSkipped counts, by Engine, Strategy and Step; failures also by ErrorCode, and RotationCompleted when
 * finishSecret succeeds. CloudWatch Logs turns the lines into metrics with no agent, no API call and no
 * dependency (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
function createStepMetrics(options: StepMetricsOptions): StepMetrics {
  if (!options.enabled) return () => undefined;
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? Date.now;
  return function recordStep(measurement) {
    const failed = measurement.outcome === 'failed';
    const completed = measurement.outcome === 'succeeded' && measurement.step === 'finishSecret';
    const metrics = [
      { Name: 'StepDuration', Unit: 'Milliseconds' },
      { Name: 'StepSucceeded', Unit: 'Count' },
      { Name: 'StepFailed', Unit: 'Count' },
      { Name: 'StepSkipped', Unit: 'Count' },
      ...(completed ? [{ Name: 'RotationCompleted', Unit: 'Count' }] : []),
    ];
    const dimensions = [['Engine', 'Strategy', 'Step'], ...(failed ? [['Engine', 'Strategy', 'ErrorCode']] : [])];
    const line = {
      _aws: { Timestamp: now(), CloudWatchMetrics: [{ Namespace: options.namespace, Dimensions: dimensions, Metrics: metrics }] },
      Engine: options.engine,
      Strategy: options.strategy,
      Step: measurement.step,
      ...(failed ? { ErrorCode: measurement.errorCode ?? 'ROTATION_FAILED' } : {}),
      StepDuration: Math.round(measurement.durationMs),
      StepSucceeded: measurement.outcome === 'succeeded' ? 1 : 0,
      StepFailed: failed ? 1 : 0,
      StepSkipped: measurement.outcome === 'skipped' ? 1 : 0,
      ...(completed ? { RotationCompleted: 1 } : {}),
    };
    write(`${JSON.stringify(line)}\n`);
  };
}

export { createStepMetrics };
export type { StepMeasurement, StepMetrics, StepMetricsOptions, StepOutcome };
