// Type-checked with "module": "nodenext": an ESM TypeScript app importing the CommonJS package.
import { RotationFunction, type RotationFunctionProps } from '@rotation-lambdas/cdk';
import { HANDLER_PROFILES } from '@rotation-lambdas/cdk/handler-profiles';

const strategy: RotationFunctionProps['strategy'] = 'single-user';
export const checked: [typeof RotationFunction, number, string] = [RotationFunction, HANDLER_PROFILES.length, strategy];
