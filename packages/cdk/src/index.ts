export {
  FUNCTION_DEFAULTS,
  HANDLER_ENTRY,
  HANDLER_PROFILES,
  handlerProfile,
  LAMBDA_CA_BUNDLE,
  MANAGED_POLICIES,
  SUPPORTED_ARCHITECTURES,
  SUPPORTED_RUNTIMES,
} from './handler-profiles.js';
export type {
  HandlerProfile,
  PolicyCondition,
  PolicyResource,
  PolicyStatementProfile,
  RotationEngine,
  RotationStrategy,
} from './handler-profiles.js';
export { handlerZipPath, RotationFunction } from './rotation-function.js';
export type { RotationFunctionProps } from './rotation-function.js';
