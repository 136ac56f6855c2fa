export * from './factories';
export * from './fake-mailgun';
export * from './fake-twilio';
export * from './fake-whatsapp';
export * from './http-assertions';
export * from './test-api';
export * from './test-database';
export * from './test-env';
