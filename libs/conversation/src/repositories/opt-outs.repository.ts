import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

/** conversation.opt_outs: addresses that asked not to be messaged on a channel. */
@Injectable()
export class OptOutsRepository {
  constructor(private readonly db: TenantDb) {}

  async isOptedOut(propertyId: string, channelType: string, address: string): Promise<boolean> {
    const rows = await rowsOf<{ one: number }>(
      this.db.manager.query(
        'select 1 as one from conversation.opt_outs where property_id = $1 and channel_type = $2 and address = $3',
        [propertyId, channelType, address],
      ),
    );
    return rows.length > 0;
  }

  async optOut(propertyId: string, channelType: string, address: string): Promise<void> {
    await this.db.manager.query(
      `insert into conversation.opt_outs (property_id, channel_type, address) values ($1, $2, $3)
       on conflict do nothing`,
      [propertyId, channelType, address],
    );
  }

  async optIn(propertyId: string, channelType: string, address: string): Promise<void> {
    await this.db.manager.query(
      'delete from conversation.opt_outs where property_id = $1 and channel_type = $2 and address = $3',
      [propertyId, channelType, address],
    );
  }
}
