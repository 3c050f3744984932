import { parseArgs } from 'node:util';
import { ROTATION_LAMBDAS_VERSION } from '@rotation-lambdas/core';
import { demoCommand } from './commands/demo.js';
import { preflightCommand } from './commands/preflight.js';
import { runCommand } from './commands/run.js';
import { handlerNames } from './handlers.js';
import { createOutput, errorLine } from './output.js';

const COMMON = '  --endpoint URL    Secrets Manager endpoint (a local one, or a VPC endpoint)\n  --region REGION   AWS region (default: the usual AWS configuration)\n  --json            one JSON document on stdout, for scripts\n  --verbose         the handler\'s JSON log lines on stderr';

const HELP: Record<string, string> = {
  rotate: `rotate <command> [options]

Commands:
  demo        rotate users of local servers with every built handler zip, and print what happened
  preflight   check a secret for a handler without changing anything (run before enabling rotation)
  run         run the four rotation steps here, as Secrets Manager would

rotate <command> --help shows a command's options; rotate --version prints the version.
Handlers: ${handlerNames().join(', ')}`,
  demo: `rotate demo [--engines postgres,mysql,...] [--rotations N] [--json]

Starts local servers (PostgreSQL, and each other engine whose server is installed; ENGINES or --engines
chooses), a local Secrets Manager, a user and its secret per handler, and rotates each N times (default 3)
with the built zips (npm run build), printing the staging labels before and after, which user and password
log in, and the time each step took.`,
  preflight: `rotate preflight --secret-id ID --handler NAME [options]

Checks, without changing anything: the secret's JSON for the handler, the engine, the host reachable, TLS,
the current credentials; for alternating users the master secret, its server, its login, its privileges,
and the alternate user name. One line per check with a fix hint; exit status 1 on any failure.

${COMMON}`,
  run: `rotate run --secret-id ID --handler NAME [--token TOKEN [--step STEP]] [options]

Runs createSecret, setSecret, testSecret and finishSecret here with the handler's code and your AWS
credentials, printing each step. Refuses to start while another rotation of the secret is unfinished, and
prints its token. --token resumes that rotation: the four steps with its token, each idempotent, so the
ones already done change nothing. --step with --token runs one step (STEP: createSecret, setSecret,
testSecret, finishSecret).

${COMMON}`,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`rotate ${ROTATION_LAMBDAS_VERSION}\n`);
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      'secret-id': { type: 'string' },
      handler: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      step: { type: 'string' },
      token: { type: 'string' },
      engines: { type: 'string' },
      rotations: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const output = createOutput(values.json);
  if (command === undefined || command === '--help' || command === 'help' || (values.help && !(command in HELP))) {
    process.stdout.write(`${HELP.rotate}\n`);
    return command === undefined ? 2 : 0;
  }
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const aws = { endpoint: values.endpoint, region: values.region, verbose: values.verbose };
  const required = () => {
    if (!values['secret-id'] || !values.handler) throw new Error(`${command} needs --secret-id and --handler (see rotate ${command} --help)`);
    return { secretId: values['secret-id'], handler: values.handler };
  };
  switch (command) {
    case 'demo':
      return demoCommand({ engines: values.engines, rotations: Number(values.rotations) }, output);
    case 'preflight':
      return preflightCommand({ ...aws, ...required() }, output);
    case 'run':
      return runCommand({ ...aws, ...required(), step: values.step, token: values.token }, output);
    default:
      throw new Error(`unknown command ${command} (rotate --help lists them)`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${errorLine(error)}\n`);
  process.exitCode = 2;
}
