export * from './controllers/reservations.controller';
export * from './dtos/reservation.dto';
export * from './exceptions/reservation.exceptions';
export * from './pms/pms.controller';
export * from './pms/pms.dto';
export * from './pms/pms.exceptions';
export * from './pms/pms-webhook.controller';
export * from './reservation.module';
