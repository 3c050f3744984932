import { RotationFunction } from '@rotation-lambdas/cdk';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** AWS's hosted PostgreSQL multi-user rotation: the "Before" of deploy/hosted-rotation-mapping.md. */
function hostedRotation(secret: secretsmanager.Secret, masterSecret: secretsmanager.ISecret, vpc: ec2.IVpc): void {
  secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlMultiUser({ masterSecret, vpc }),
  });
}

/** The same rotation with this project's handler: the "After" of deploy/hosted-rotation-mapping.md. */
function rotationLambdas(scope: Construct, secret: secretsmanager.ISecret, masterSecret: secretsmanager.ISecret, vpc: ec2.IVpc): RotationFunction {
  return new RotationFunction(scope, 'Rotation', { engine: 'postgres', strategy: 'alternating-users', secret, masterSecret, vpc });
}

export { hostedRotation, rotationLambdas };
