import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Environment } from './env.js';
import { ConfigurationError } from './errors.js';

/**
 * The certificate authorities engines verify servers against: Node's bundled roots plus the PEM file named by
 * NODE_EXTRA_CA_CERTS (the templates point it at the Lambda runtime's Amazon CA bundle, which holds the RDS,
 * DocumentDB and ElastiCache CAs). Read here rather than left to Node's start-up so a missing file is a clear
 * error instead of a warning, and so the list follows the environment the handler was built with.
 * Returns undefined when no extra file is set: the drivers then use Node's defaults, which are the same roots.
 */
function trustedCertificates(env: Environment): string[] | undefined {
  const path = env.NODE_EXTRA_CA_CERTS?.trim();
  if (!path) return undefined;
  try {
    return [...rootCertificates, readFileSync(path, 'utf8')];
  } catch (error) {
    throw new ConfigurationError('NODE_EXTRA_CA_CERTS names a file that cannot be read', {
      field: 'NODE_EXTRA_CA_CERTS',
      cause: error,
    });
  }
}

export { trustedCertificates };
