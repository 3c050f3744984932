// A CDK app as a team would write it outside this repository, compiled with the old "moduleResolution": "node"
// and run as CommonJS: the packed construct must type-check, require() and synthesize here.
import { RotationFunction } from '@rotation-lambdas/cdk';
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';

const app = new App({ outdir: process.argv[2] ?? 'cdk.out' });
const stack = new Stack(app, 'RotatedDatabase');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
const endpoint = vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
const database = new rds.DatabaseInstance(stack, 'Database', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
  vpc,
  vpcSubnets,
});
const masterSecret = database.secret;
if (masterSecret === undefined) throw new Error('no master secret');
const appSecret = new rds.DatabaseSecret(stack, 'AppSecret', { username: 'app', masterSecret }).attach(database);

const rotation = new RotationFunction(stack, 'AppRotation', {
  engine: 'postgres',
  strategy: 'alternating-users',
  secret: appSecret,
  masterSecret,
  functionName: 'app-db-rotation',
  target: database,
  vpc,
  vpcSubnets,
  endpoint,
  automaticallyAfter: Duration.days(7),
  adoptExistingUser: true,
});
// IConnectable: the usual CDK call compiles.
database.connections.allowDefaultPortFrom(rotation, 'also through IConnectable');

if (!HANDLER_PROFILES.some((profile) => profile.name === rotation.profile.name)) throw new Error('profile not listed');
app.synth();
