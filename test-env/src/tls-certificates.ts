import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A test CA and a server certificate it signed, as PEM files in `directory`. */
interface TestCertificates {
  readonly directory: string;
  readonly caFile: string;
  readonly ca: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The names and addresses the server certificate covers. */
  readonly hosts: readonly string[];
}

/**
 * Creates a throw-away CA and a server certificate for `hosts` (DNS names and IP addresses) with openssl,
 * so TLS tests verify a real chain and real host names. Nothing is trusted outside the test that uses it.
 */
async function createTestCertificates(directory: string, hosts: readonly string[], name = 'server'): Promise<TestCertificates> {
  const caKey = join(directory, `${name}-ca.key`);
  const caFile = join(directory, `${name}-ca.pem`);
  const keyFile = join(directory, `${name}.key`);
  const csrFile = join(directory, `${name}.csr`);
  const certFile = join(directory, `${name}.pem`);
  const extFile = join(directory, `${name}.ext`);
  const san = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');

  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', `/CN=rotation-lambdas test CA ${name}`]);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${hosts[0] ?? 'localhost'}`]);
  await writeFile(extFile, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial',
    '-out', certFile, '-days', '2', '-extfile', extFile]);
  return { directory, caFile, ca: await readFile(caFile, 'utf8'), certFile, keyFile, hosts };
}

/** Certificates for `hosts` in a new temporary directory (the caller removes `directory`), or undefined without hosts. */
async function temporaryTestCertificates(hosts: readonly string[] | undefined, name: string): Promise<TestCertificates | undefined> {
  if (hosts === undefined) return undefined;
  return createTestCertificates(await mkdtemp(`/tmp/rl${name}-tls-`), hosts, name);
}

export { createTestCertificates, temporaryTestCertificates };
export type { TestCertificates };
