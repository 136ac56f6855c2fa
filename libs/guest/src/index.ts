export * from './controllers/guests.controller';
export * from './dtos/guest.dto';
export * from './exceptions/guest.exceptions';
export * from './guest.module';
export * from './services/guest-directory';
export * from './services/guest-links';
export * from './services/guest-sync';
