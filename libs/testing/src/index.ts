export * from './factories';
export * from './http-assertions';
export * from './test-api';
export * from './test-database';
export * from './test-env';
