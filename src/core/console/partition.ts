/** The AWS partitions crossbar knows how to sign in to; the region prefix says which one a region is in. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export function partitionOfRegion(region: string | undefined): Partition {
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

export function isPartition(value: string): value is Partition {
  return value === 'aws' || value === 'aws-us-gov' || value === 'aws-cn';
}
