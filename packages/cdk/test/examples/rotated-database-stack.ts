import { RotationFunction } from '@rotation-lambdas/cdk';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';

/**
 * An RDS for PostgreSQL instance whose master secret rotates with the single-user handler and whose
 * application user rotates every 7 days with the alternating-users handler, managed by the master secret.
 */
class RotatedDatabaseStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 0 });
    // The functions run in isolated subnets: Secrets Manager is reached through its interface endpoint.
    vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets,
    });
    const masterSecret = database.secret;
    if (masterSecret === undefined) throw new Error('the instance was created without a generated secret');

    // target: the database's security group accepts the function on the database port.
    new RotationFunction(this, 'MasterRotation', {
      engine: 'postgres',
      strategy: 'single-user',
      secret: masterSecret,
      target: database,
      vpc,
      vpcSubnets,
    });

    // DatabaseSecret writes "masterarn" into the secret; attach() adds engine, host, port and dbname.
    // Create the user "app" in the database (with this secret's password) before the first rotation.
    const appSecret = new rds.DatabaseSecret(this, 'AppSecret', { username: 'app', masterSecret }).attach(database);
    const appRotation = new RotationFunction(this, 'AppRotation', {
      engine: 'postgres',
      strategy: 'alternating-users',
      secret: appSecret,
      masterSecret,
      vpc,
      vpcSubnets,
      automaticallyAfter: Duration.days(7),
    });
    // A RotationFunction is IConnectable, so the usual CDK calls work too.
    database.connections.allowDefaultPortFrom(appRotation);
  }
}

export { RotatedDatabaseStack };
