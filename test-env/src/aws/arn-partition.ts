/** The AWS partition a region belongs to, as ARNs spell it (`aws`, `aws-cn`, `aws-us-gov`). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export { partitionOf };
