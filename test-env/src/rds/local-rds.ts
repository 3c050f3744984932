import { RDSClient } from '@aws-sdk/client-rds';
import createDebug from 'debug';
import { CallCounter } from '../aws/call-counter.js';
import { FaultInjector, type InjectedFault } from '../aws/fault-injector.js';
import { LocalAwsService, serveWithFaults } from '../aws/local-aws-service.js';
import type { LocalHttpServer } from '../aws/local-http-server.js';
import { startQueryProtocolServer } from '../aws/query-protocol-server.js';
import { AwsServiceError } from '../aws/service-error.js';
import { RdsCatalog, type RdsClusterMemberSpec, type RdsClusterSpec, type RdsInstanceSpec } from './rds-catalog.js';
import { rdsOperations } from './rds-operations.js';

/** Where the local RDS pretends to run. */
interface LocalRdsOptions {
  /** Region in ARNs and in the clients `client()` builds; default `us-east-1`. */
  readonly region?: string;
  /** Account in ARNs; default `123456789012`. */
  readonly accountId?: string;
}

/** A fault for the next `times` calls of an action, by Query error code (`Throttling`, `InternalFailure`, ...). */
type RdsFault = InjectedFault;

/**
 * The RDS control plane on 127.0.0.1, as far as rotation needs it: DescribeDBInstances and DescribeDBClusters,
 * answered to the unmodified `@aws-sdk/client-rds` in the Query protocol.
 */
interface LocalRds extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly region: string;
  /** A real SDK client for this endpoint, with dummy static credentials and `maxAttempts: 3`. */
  client(): RDSClient;
  /** Adds a DB instance and returns its ARN (`arn:aws:rds:<region>:<account>:db:<id>`). */
  addInstance(instance: RdsInstanceSpec): string;
  /** Adds a DB cluster and returns its ARN (`arn:aws:rds:<region>:<account>:cluster:<id>`). */
  addCluster(cluster: RdsClusterSpec): string;
  /** Requests received, for one action or in total, counting failed and faulted ones. */
  callCount(operation?: string): number;
  /** Forgets the call counts. */
  resetCalls(): void;
  /** Makes the next `times` (default 1) calls of an action fail with the error code `error`. */
  injectFault(fault: RdsFault): void;
  /** Drops every pending fault. */
  clearFaults(): void;
  /** Stops the server and destroys the clients `client()` built. */
  stop(): Promise<void>;
}

const log = createDebug('rotation:test-env:rds');

class LocalRdsServer extends LocalAwsService<RDSClient> implements LocalRds {
  readonly #catalog: RdsCatalog;

  constructor(server: LocalHttpServer, region: string, catalog: RdsCatalog, counter: CallCounter, faults: FaultInjector) {
    super(server, region, counter, faults);
    this.#catalog = catalog;
  }

  protected createClient(): RDSClient {
    return new RDSClient({
      endpoint: this.endpoint,
      region: this.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
    });
  }

  addInstance(instance: RdsInstanceSpec): string {
    return this.#catalog.addInstance(instance);
  }

  addCluster(cluster: RdsClusterSpec): string {
    return this.#catalog.addCluster(cluster);
  }
}

/** Starts a local RDS control plane on 127.0.0.1 on a free port, with no instances or clusters. */
async function startLocalRds(options: LocalRdsOptions = {}): Promise<LocalRds> {
  const region = options.region ?? 'us-east-1';
  const catalog = new RdsCatalog(region, options.accountId ?? '123456789012');
  const operations = rdsOperations(catalog);
  const counter = new CallCounter();
  const faults = new FaultInjector();
  const server = await startQueryProtocolServer({
    xmlNamespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
    log,
    dispatch: (action, params) =>
      serveWithFaults(action, params, counter, faults, operations.get(action), () => {
        return new AwsServiceError('InvalidAction', `Could not find operation ${action} for version 2014-10-31`);
      }),
  });
  log('listening on %s (%s)', server.endpoint, region);
  return new LocalRdsServer(server, region, catalog, counter, faults);
}

export { startLocalRds };
export type { LocalRds, LocalRdsOptions, RdsClusterMemberSpec, RdsClusterSpec, RdsFault, RdsInstanceSpec };
