export { RandomStream, RandomStreams } from './stream';
export { Distribution, Z99 } from './distributions';
export type { DistributionSpec, MixturePart } from './distributions';
