import { type PlatformDb } from '../../database/platform-db.service';
import { PropertiesRepository } from './properties.repository';

/** PropertiesRepository.findById: the row read once per transaction, handed out as copies. */
describe(PropertiesRepository.name, () => {
  const stored = {
    id: 'p',
    organization_id: 'o',
    name: 'Hotel Mar',
    code: 'mar',
    timezone: 'Europe/Lisbon',
    settings: {
      languages: ['pt', 'en'],
      escalation: { threshold: 0.6, quietHours: null, channels: [{ kind: 'email', to: ['desk@mar.pt'] }] },
      flag: true,
    },
    created_at: new Date(0),
    updated_at: new Date(0),
  };
  const memo = new Map<string, Promise<unknown>>();
  const query = jest.fn(() => Promise.resolve([structuredClone(stored)]));
  const db = {
    memo: <T>(key: string, load: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    },
    query,
  } as unknown as PlatformDb;
  const properties = new PropertiesRepository(db);

  it('gives every caller its own copy of the settings, the row read once', async () => {
    const first = await properties.findById('p');
    expect(first).toEqual(stored);
    const settings = first!.settings as typeof stored.settings;
    settings.languages.push('de');
    settings.escalation.channels[0].to[0] = 'someone@else.example';
    settings.escalation.threshold = 0.1;
    delete (settings as Partial<typeof settings>).flag;

    const second = await properties.findById('p');
    expect(second).toEqual(stored);
    expect(second!.settings).not.toBe(first!.settings);
    expect(query).toHaveBeenCalledTimes(1);
  });
});
