export * from './local-date';
export * from './within';
