import { GuestModule } from '@app/guest';
import { Module } from '@nestjs/common';

import { ReservationsController } from './controllers/reservations.controller';
import { ReservationsRepository } from './repositories/reservations.repository';
import { ReservationsService } from './services/reservations.service';

/** The `reservation` bounded context; owns the `reservation` PostgreSQL schema. */
@Module({
  imports: [GuestModule],
  controllers: [ReservationsController],
  providers: [ReservationsRepository, ReservationsService],
})
export class ReservationModule {}
