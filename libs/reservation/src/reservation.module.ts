import { GuestLinks, GuestModule } from '@app/guest';
import { Module, type OnModuleInit } from '@nestjs/common';

import { ReservationsController } from './controllers/reservations.controller';
import { ReservationsRepository } from './repositories/reservations.repository';
import { ReservationsService } from './services/reservations.service';

/** The `reservation` bounded context; owns the `reservation` PostgreSQL schema. */
@Module({
  imports: [GuestModule],
  controllers: [ReservationsController],
  providers: [ReservationsRepository, ReservationsService],
})
export class ReservationModule implements OnModuleInit {
  constructor(
    private readonly merges: GuestLinks,
    private readonly reservations: ReservationsRepository,
  ) {}

  /** A merged guest's reservations follow the surviving profile, in the merge's transaction. */
  onModuleInit(): void {
    this.merges.register('reservation', ({ propertyId, sourceGuestId, targetGuestId }) =>
      this.reservations.moveGuest(propertyId, sourceGuestId, targetGuestId),
    );
    this.merges.provideInHouse((propertyId, date) => this.reservations.inHouseGuestIds(propertyId, date));
  }
}
