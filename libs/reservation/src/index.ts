export * from './controllers/reservations.controller';
export * from './dtos/reservation.dto';
export * from './exceptions/reservation.exceptions';
export * from './reservation.module';
