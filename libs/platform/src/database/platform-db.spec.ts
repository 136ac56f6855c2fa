import { type ClsService } from 'nestjs-cls';
import { type DataSource } from 'typeorm';

import { type TenantTransaction } from '../tenancy/tenant-context';
import { PlatformDb } from './platform-db.service';

/** PlatformDb.memo: a directory row read once per property transaction. */
describe(PlatformDb.name, () => {
  let tx: TenantTransaction | undefined;
  const cls = {
    isActive: () => true,
    get: () => tx,
  } as unknown as ClsService;
  const db = new PlatformDb({} as DataSource, cls);

  beforeEach(() => {
    tx = {
      propertyId: '00000000-0000-7000-8000-000000000001',
      userId: null,
      manager: {} as TenantTransaction['manager'],
      beforeCommit: [],
      memo: new Map(),
    };
  });

  it('shares a load still under way with callers that ask meanwhile', async () => {
    let release!: (row: { id: string }) => void;
    const load = jest.fn(() => new Promise<{ id: string }>((resolve) => (release = resolve)));

    const first = db.memo('property:p', load);
    const second = db.memo('property:p', load);
    release({ id: 'p' });

    await expect(Promise.all([first, second])).resolves.toEqual([{ id: 'p' }, { id: 'p' }]);
    await expect(db.memo('property:p', load)).resolves.toEqual({ id: 'p' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps no failed load: the next caller loads again', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('connection lost'))
      .mockResolvedValueOnce('row');

    await expect(db.memo('property:p', load)).rejects.toThrow('connection lost');
    await expect(db.memo('property:p', load)).resolves.toBe('row');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads every time outside a property transaction, and forgets on request inside one', async () => {
    const load = jest.fn(() => Promise.resolve('row'));
    await db.memo('property:p', load);
    db.forget('property:p');
    await db.memo('property:p', load);
    tx = undefined;
    await db.memo('property:p', load);
    await db.memo('property:p', load);

    expect(load).toHaveBeenCalledTimes(4);
  });
});
