import { ComplianceModule } from '@app/compliance';
import { ConciergeModule } from '@app/concierge';
import { ConversationModule } from '@app/conversation';
import { GuestDirectory, GuestModule } from '@app/guest';
import { KnowledgeModule } from '@app/knowledge';
import { PlatformCoreModule, rowsOf, TenantDb } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Pool } from 'pg';

async function insertProperty(owner: Pool, country: string | null): Promise<string> {
  const org = await owner.query<{ id: string }>(
    `insert into platform.organizations (name) values ('Group') returning id`,
  );
  const code = `hotel-${Math.random().toString(36).slice(2, 10)}`;
  const property = await owner.query<{ id: string }>(
    `insert into platform.properties (organization_id, name, code, timezone, settings)
     values ($1, 'Hotel', $2, 'Europe/Lisbon', $3) returning id`,
    [org.rows[0].id, code, JSON.stringify({ country })],
  );
  return property.rows[0].id;
}

describe(GuestDirectory.name, () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let owner: Pool;
  let tenantDb: TenantDb;
  let directory: GuestDirectory;

  beforeAll(async () => {
    db = await createTestDatabase();
    useTestEnvironment(db.appUrl, { DATABASE_POOL_SIZE: '12' });
    moduleRef = await Test.createTestingModule({
      imports: [
        PlatformCoreModule,
        ComplianceModule,
        GuestModule,
        ReservationModule,
        ConversationModule,
        KnowledgeModule,
        ConciergeModule,
      ],
    }).compile();
    await moduleRef.init();
    owner = pool(db.ownerUrl);
    tenantDb = moduleRef.get(TenantDb);
    directory = moduleRef.get(GuestDirectory);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await owner?.end();
    await db?.drop();
  });

  const guestsOf = (propertyId: string) =>
    tenantDb.run({ propertyId }, (em) =>
      rowsOf<{ id: string; phone: string | null; email: string | null }>(
        em.query('select id, phone, email from guest.guests where property_id = $1', [propertyId]),
      ),
    );

  describe('findOrCreateByIdentity', () => {
    it('creates one stub guest for ten concurrent first messages from one number written differently', async () => {
      const propertyId = await insertProperty(owner, 'PT');
      const spellings = ['+351 912 345 678', '912345678', '00351912345678', '+351912345678', '912 345 678'];

      const refs = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          tenantDb.run({ propertyId }, () =>
            directory.findOrCreateByIdentity({ phone: spellings[i % spellings.length] }),
          ),
        ),
      );

      const guests = await guestsOf(propertyId);
      expect(guests).toEqual([{ id: refs[0].guestId, phone: '+351912345678', email: null }]);
      expect(new Set(refs.map((r) => r.guestId)).size).toBe(1);
      expect(refs.filter((r) => r.created)).toHaveLength(1);
    });

    it('finds by email case-insensitively and keeps properties apart', async () => {
      const a = await insertProperty(owner, null);
      const b = await insertProperty(owner, null);

      const first = await tenantDb.run({ propertyId: a }, () =>
        directory.findOrCreateByIdentity({ email: 'Guest@Example.com', firstName: 'Ana' }),
      );
      const again = await tenantDb.run({ propertyId: a }, () =>
        directory.findOrCreateByIdentity({ email: 'guest@example.com' }),
      );
      const otherProperty = await tenantDb.run({ propertyId: b }, () =>
        directory.findOrCreateByIdentity({ email: 'guest@example.com' }),
      );

      // The profile as read in the same statement: what a read of the profile gives.
      const profile = await tenantDb.run({ propertyId: a }, () => directory.profile(first.guestId));
      expect(profile).toMatchObject({ guestId: first.guestId, firstName: 'Ana' });
      expect(first.profile).toEqual(profile);
      expect(again).toEqual({ guestId: first.guestId, created: false, profile });
      expect(otherProperty.created).toBe(true);
      expect(otherProperty.profile).toMatchObject({ guestId: otherProperty.guestId, firstName: '' });
      expect(otherProperty.guestId).not.toBe(first.guestId);
      expect((await guestsOf(a)).map((g) => g.id)).toEqual([first.guestId]);
    });

    it('refuses an identity without phone or email, and outside a property transaction', async () => {
      const propertyId = await insertProperty(owner, null);

      await expect(tenantDb.run({ propertyId }, () => directory.findOrCreateByIdentity({}))).rejects.toThrow(
        'needs a phone or an email',
      );
      await expect(directory.findOrCreateByIdentity({ email: 'x@example.com' })).rejects.toThrow(
        'outside a property transaction',
      );
    });
  });
});
