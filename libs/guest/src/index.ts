export * from './guest.module';
