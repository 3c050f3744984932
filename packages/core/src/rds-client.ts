import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';

// The slice of the RDS SDK rotation uses, imported by rds-topology.ts on first use. Importing the three by
// name lets the bundler drop the other commands and their schemas; `import('@aws-sdk/client-rds')` keeps all.
export { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient };
