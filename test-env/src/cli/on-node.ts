import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { ensureLambdaNodeRuntimes, LAMBDA_NODE_MAJORS, type LambdaNodeMajor } from '../lambda-runtime/lambda-node-runtimes.js';

/**
 * `rotation-test-env on-node <22|24> <command> [args...]`: runs a command with a Lambda runtime's Node first on
 * PATH (installed and cached on first use), so `node`, npm's scripts and the test runner all run on it.
 * ROTATION_TEST_NODE names the major, so turbo caches results per Node version. Exits with the command's code.
 */
async function runOnNode(args: readonly string[]): Promise<number> {
  const [majorText, command, ...rest] = args;
  const major = Number(majorText) as LambdaNodeMajor;
  if (!LAMBDA_NODE_MAJORS.includes(major) || command === undefined) {
    console.error(`usage: rotation-test-env on-node <${LAMBDA_NODE_MAJORS.join('|')}> <command> [args...]`);
    return 2;
  }
  const node = (await ensureLambdaNodeRuntimes()).node(major);
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}`, ROTATION_TEST_NODE: String(major) };
  console.log(`on Node ${major} (${node}): ${[command, ...rest].join(' ')}`);
  const child = spawn(command, rest, { env, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

export { runOnNode };
