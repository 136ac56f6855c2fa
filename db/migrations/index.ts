import { PlatformSpine1795315783514 } from './1795315783514-platform-spine';

/** Every migration, in order. Listed explicitly so bundlers and test runners need no globbing. */
export const migrations = [PlatformSpine1795315783514];
