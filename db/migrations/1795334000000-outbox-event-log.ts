import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A domain event no subscriber follows is written already `published` (the record of what
 * happened; OutboxService): it must not wake the relay either. The NOTIFY trigger now fires for
 * pending rows without a hold only.
 */
export class OutboxEventLog1795334000000 implements MigrationInterface {
  name = 'OutboxEventLog1795334000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      drop trigger outbox_notify on platform.outbox;
      create trigger outbox_notify after insert on platform.outbox
        for each row when (new.held_until is null and new.status = 'pending')
        execute function platform.notify_outbox();
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop trigger outbox_notify on platform.outbox;
      create trigger outbox_notify after insert on platform.outbox
        for each row when (new.held_until is null) execute function platform.notify_outbox();
    `);
  }
}
