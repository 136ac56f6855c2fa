export * from './reservation.module';
