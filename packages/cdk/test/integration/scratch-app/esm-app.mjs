// The same construct imported from an ESM app (plain JavaScript, as `cdk init --language javascript` and ESM apps use).
import { RotationFunction } from '@rotation-lambdas/cdk';
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

// `cdk synth` tells the app where to write the cloud assembly (CDK_OUTDIR).
const app = new App();
const stack = new Stack(app, 'Generic');
new RotationFunction(stack, 'Rotation', { engine: 'generic', strategy: 'single-user', secret: new secretsmanager.Secret(stack, 'Key') });
app.synth();
process.stdout.write(`${HANDLER_PROFILES.length}\n`);
