import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ComplianceModule } from '@app/compliance';
import { ConciergeModule } from '@app/concierge';
import { ConversationModule } from '@app/conversation';
import { KnowledgeModule } from '@app/knowledge';
import { PlatformCoreModule } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { createTestDatabase, type TestDatabase, useTestEnvironment } from '@app/testing';
import { Test } from '@nestjs/testing';

import { WorkerHeartbeat } from './worker-heartbeat';

async function heartbeatWith(env: Record<string, string>, db: TestDatabase) {
  useTestEnvironment(db.appUrl, env);
  const moduleRef = await Test.createTestingModule({
    imports: [
      PlatformCoreModule,
      ComplianceModule,
      ReservationModule,
      ConversationModule,
      KnowledgeModule,
      ConciergeModule,
    ],
    providers: [WorkerHeartbeat],
  }).compile();
  await moduleRef.init();
  return { moduleRef, heartbeat: moduleRef.get(WorkerHeartbeat) };
}

describe(WorkerHeartbeat.name, () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'butler-heartbeat-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  describe('beat', () => {
    it('writes the heartbeat file when PostgreSQL and Redis answer', async () => {
      const file = join(dir, 'healthy');
      const { moduleRef, heartbeat } = await heartbeatWith({ WORKER_HEARTBEAT_FILE: file }, db);

      const wrote = await heartbeat.beat();
      await moduleRef.close();

      expect(wrote).toBe(true);
      expect(Date.now() - Date.parse(readFileSync(file, 'utf8'))).toBeLessThan(60_000);
    });

    it('writes nothing while Redis is unreachable', async () => {
      const file = join(dir, 'unhealthy');
      const { moduleRef, heartbeat } = await heartbeatWith(
        { WORKER_HEARTBEAT_FILE: file, REDIS_URL: 'redis://127.0.0.1:1' },
        db,
      );

      const wrote = await heartbeat.beat();
      await moduleRef.close();

      expect(wrote).toBe(false);
      expect(() => readFileSync(file)).toThrow();
    });
  });
});
