import { JobName, JobRegistry } from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { type Pool } from 'pg';

import { createQueueTestingModule } from './queue-fixtures';

describe('SessionsPruneJob', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let owner: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    useTestEnvironment(db.appUrl);
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await owner?.end();
    await db?.drop();
  });

  describe('handle', () => {
    it('deletes long-expired and long-revoked refresh tokens and keeps live and recent ones', async () => {
      const { rows } = await owner.query<{ id: string }>(
        `insert into platform.users (email, name, password_hash) values ('prune@example.com', 'Prune', 'x') returning id`,
      );
      const userId = rows[0].id;
      const insert = (label: string, expires: string, revoked: string | null) =>
        owner.query(
          `insert into platform.refresh_tokens (family_id, user_id, token_hash, expires_at, revoked_at, revoked_reason)
           values (platform.uuid_v7(), $1, $2, now() + $3::interval, now() + $4::interval, $5)`,
          [userId, Buffer.from(label), expires, revoked, revoked ? 'test' : null],
        );
      await insert('live', '30 days', null);
      await insert('expired-recently', '-2 days', null);
      await insert('expired-long-ago', '-10 days', null);
      await insert('revoked-recently', '20 days', '-5 days');
      await insert('revoked-long-ago', '20 days', '-40 days');
      const handler = moduleRef.get(JobRegistry).get(JobName.SessionsPrune)!;

      const deleted = await handler.instance.handle({}, undefined as never);
      const left = await owner.query<{ label: string }>(
        `select convert_from(token_hash, 'UTF8') as label from platform.refresh_tokens where user_id = $1 order by 1`,
        [userId],
      );

      expect(deleted).toBe(2);
      expect(left.rows.map((r) => r.label)).toEqual(['expired-recently', 'live', 'revoked-recently']);
    });
  });
});
