import { GuestLinks, GuestModule } from '@app/guest';
import { Module, type OnModuleInit } from '@nestjs/common';

import { PmsController } from './controllers/pms.controller';
import { PmsWebhookController } from './controllers/pms-webhook.controller';
import { ReservationsController } from './controllers/reservations.controller';
import { PmsWebhookEventsPruneJob } from './jobs/pms-webhook-events-prune.job';
import { PmsConnectionsRepository } from './repositories/pms-connections.repository';
import { PmsReservationsRepository } from './repositories/pms-reservations.repository';
import { ReservationsRepository } from './repositories/reservations.repository';
import { PmsImportService } from './services/pms-import.service';
import { PmsSyncService } from './services/pms-sync.service';
import { PmsWebhookService } from './services/pms-webhook.service';
import { ReservationsService } from './services/reservations.service';
import { StayLookup } from './services/stay-lookup';

/** The `reservation` bounded context (stays and their PMS sync); owns the `reservation` schema. */
@Module({
  imports: [GuestModule],
  controllers: [ReservationsController, PmsController, PmsWebhookController],
  providers: [
    ReservationsRepository,
    ReservationsService,
    PmsReservationsRepository,
    PmsConnectionsRepository,
    PmsSyncService,
    PmsImportService,
    PmsWebhookService,
    PmsWebhookEventsPruneJob,
    StayLookup,
  ],
  exports: [StayLookup],
})
export class ReservationModule implements OnModuleInit {
  constructor(
    private readonly merges: GuestLinks,
    private readonly reservations: ReservationsRepository,
  ) {}

  /**
   * A merged guest's reservations follow the surviving profile, in the merge's transaction; a
   * guest with open reservations cannot be deleted.
   */
  onModuleInit(): void {
    this.merges.register('reservation', ({ propertyId, sourceGuestId, targetGuestId }) =>
      this.reservations.moveGuest(propertyId, sourceGuestId, targetGuestId),
    );
    this.merges.provideInHouse((propertyId, date) => this.reservations.inHouseGuestIds(propertyId, date));
    this.merges.guardDeletion(async (propertyId, guestId) => {
      const open = await this.reservations.openCount(propertyId, guestId);
      return open > 0 ? `${open} open reservation${open === 1 ? '' : 's'} (confirmed or checked in)` : null;
    });
  }
}
