import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** The part of the Lambda context object a rotation handler reads. */
interface LambdaContextStub {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  getRemainingTimeInMillis(): number;
}

/** A rotation Lambda handler as Secrets Manager calls it. */
type RotationLambda = (event: unknown, context?: LambdaContextStub) => Promise<unknown>;

/** The context Lambda passes an invocation of a function with `timeoutMs`, its clock starting now. */
function lambdaContext(timeoutMs: number, functionName = 'rotation'): LambdaContextStub {
  const ends = Date.now() + timeoutMs;
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    getRemainingTimeInMillis: () => Math.max(0, ends - Date.now()),
  };
}

/** Environment for one handler instance; undefined removes a variable. */
type HandlerEnvironment = Readonly<Record<string, string | undefined>>;

let instance = 0;

/**
 * Loads a fresh instance of a built handler (`dist/<engine>-<strategy>/index.mjs`, the file the zip holds)
 * with `env` applied while its module scope runs, as a Lambda cold start would read it. Each call yields
 * a new module instance (a new "container"), so module-scope caches are not shared between loads.
 */
async function loadHandler(bundleFile: string, env: HandlerEnvironment = {}): Promise<RotationLambda> {
  const saved = new Map(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    instance += 1;
    const module = (await import(/* @vite-ignore */ `${pathToFileURL(bundleFile).href}?instance=${instance}`)) as {
      handler?: unknown;
    };
    if (typeof module.handler !== 'function') throw new Error(`${bundleFile} does not export a handler function`);
    return module.handler as RotationLambda;
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export { lambdaContext, loadHandler };
export type { HandlerEnvironment, LambdaContextStub, RotationLambda };
