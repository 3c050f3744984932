// A CDK app as a team would write it outside this repository, compiled with the old "moduleResolution": "node"
// and run as CommonJS. The stack is the README's example (test/examples/rotated-database-stack.ts), copied in
// by the test: the packed construct must type-check, require() and synthesize here.
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';
import { App } from 'aws-cdk-lib';
import { RotatedDatabaseStack } from './rotated-database-stack';

// `cdk synth` tells the app where to write the cloud assembly (CDK_OUTDIR).
const app = new App();
new RotatedDatabaseStack(app, 'RotatedDatabase');
if (!HANDLER_PROFILES.some((profile) => profile.name === 'postgres-alternating-users')) throw new Error('profile not listed');
app.synth();
