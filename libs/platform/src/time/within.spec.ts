import { within } from './within';

describe(within.name, () => {
  it("gives the promise's value when it settles in time", async () => {
    await expect(within(Promise.resolve('PONG'), 50)).resolves.toBe('PONG');
  });

  it('gives undefined once the time is up, without waiting for the promise', async () => {
    const started = Date.now();
    await expect(within(new Promise<string>(() => undefined), 30)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("throws the promise's rejection when it comes first", async () => {
    await expect(within(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });
});
