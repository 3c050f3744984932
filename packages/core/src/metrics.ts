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
  /** The first invocation of this container: the line also counts a ColdStart, as Powertools Metrics does. */
  readonly coldStart?: boolean;
  readonly functionName?: string;
}

/** Where metric lines go and under which namespace. */
interface StepMetricsOptions {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly engine: string;
  readonly strategy: RotationStrategy;
  /** The `service` dimension (POWERTOOLS_SERVICE_NAME), on every dimension set as Powertools adds it. */
  readonly service?: string;
  /** The `level` the line carries, so Lambda's log-level filtering passes it (see config.ts). */
  readonly lineLevel?: string;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** Records a step's duration and outcome. */
type StepMetrics = (measurement: StepMeasurement) => void;

/**
 * CloudWatch Embedded Metric Format lines, one per step: StepDuration (ms) and StepSucceeded / StepFailed /
 * StepSkipped counts, by service, Engine, Strategy and Step; failures also by ErrorCode, RotationCompleted when
 * finishSecret succeeds, and ColdStart (by service and function_name) on a container's first invocation.
 * CloudWatch Logs turns the lines into metrics with no agent, no API call and no dependency
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * Each line carries a `level`, since Lambda's log-level filtering counts a line without one as INFO.
 */
function createStepMetrics(options: StepMetricsOptions): StepMetrics {
  if (!options.enabled) return () => undefined;
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? Date.now;
  return function recordStep(measurement) {
    write(`${JSON.stringify(emfLine(options, measurement, now()))}\n`);
  };
}

/** The step's metric names: the four per-step ones, and RotationCompleted when finishSecret succeeded. */
function stepMetrics(completed: boolean): { Name: string; Unit: string }[] {
  return [
    { Name: 'StepDuration', Unit: 'Milliseconds' },
    { Name: 'StepSucceeded', Unit: 'Count' },
    { Name: 'StepFailed', Unit: 'Count' },
    { Name: 'StepSkipped', Unit: 'Count' },
    ...(completed ? [{ Name: 'RotationCompleted', Unit: 'Count' }] : []),
  ];
}

/** One EMF document for one step: its directives, its dimension values and its metric values. */
function emfLine(options: StepMetricsOptions, measurement: StepMeasurement, timestamp: number): Record<string, unknown> {
  const { outcome, step } = measurement;
  const failed = outcome === 'failed';
  const completed = outcome === 'succeeded' && step === 'finishSecret';
  const cold = measurement.coldStart === true && measurement.functionName !== undefined;
  const dimensions = [['service', 'Engine', 'Strategy', 'Step'], ...(failed ? [['service', 'Engine', 'Strategy', 'ErrorCode']] : [])];
  const directives = [{ Namespace: options.namespace, Dimensions: dimensions, Metrics: stepMetrics(completed) }];
  if (cold) directives.push({ Namespace: options.namespace, Dimensions: [['service', 'function_name']], Metrics: [{ Name: 'ColdStart', Unit: 'Count' }] });
  return {
    _aws: { Timestamp: timestamp, CloudWatchMetrics: directives },
    level: options.lineLevel ?? 'INFO',
    service: options.service ?? 'rotation-lambdas',
    ...(cold ? { function_name: measurement.functionName, ColdStart: 1 } : {}),
    Engine: options.engine,
    Strategy: options.strategy,
    Step: step,
    ...(failed ? { ErrorCode: measurement.errorCode ?? 'ROTATION_FAILED' } : {}),
    StepDuration: Math.round(measurement.durationMs),
    StepSucceeded: outcome === 'succeeded' ? 1 : 0,
    StepFailed: failed ? 1 : 0,
    StepSkipped: outcome === 'skipped' ? 1 : 0,
    ...(completed ? { RotationCompleted: 1 } : {}),
  };
}

export { createStepMetrics };
export type { StepMeasurement, StepMetrics, StepMetricsOptions, StepOutcome };
