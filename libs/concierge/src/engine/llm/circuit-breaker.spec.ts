import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const clock = () => now;
  const fail = () => Promise.reject(new Error('down'));
  const ok = () => Promise.resolve('ok');

  beforeEach(() => (now = 1_000_000));

  it('stays closed below the threshold and counts only failures in a row', async () => {
    const b = new CircuitBreaker(3, 30_000, clock);
    await expect(b.run(fail)).rejects.toThrow('down');
    await expect(b.run(fail)).rejects.toThrow('down');
    await expect(b.run(ok)).resolves.toBe('ok');
    await expect(b.run(fail)).rejects.toThrow('down');
    await expect(b.run(fail)).rejects.toThrow('down');
    expect(b.state).toBe('closed');
  });

  it('opens after the threshold and refuses without calling', async () => {
    const b = new CircuitBreaker(2, 30_000, clock);
    await expect(b.run(fail)).rejects.toThrow('down');
    await expect(b.run(fail)).rejects.toThrow('down');
    expect(b.state).toBe('open');
    const call = jest.fn(ok);
    await expect(b.run(call)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(call).not.toHaveBeenCalled();
  });

  it('lets one trial through after the cooldown: success closes, failure reopens', async () => {
    const b = new CircuitBreaker(1, 30_000, clock);
    await expect(b.run(fail)).rejects.toThrow('down');
    now += 29_999;
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    now += 1;
    expect(b.state).toBe('half_open');
    await expect(b.run(fail)).rejects.toThrow('down');
    expect(b.state).toBe('open');
    now += 30_000;
    await expect(b.run(ok)).resolves.toBe('ok');
    expect(b.state).toBe('closed');
  });

  it('allows a single trial at a time while half-open', async () => {
    const b = new CircuitBreaker(1, 1_000, clock);
    await expect(b.run(fail)).rejects.toThrow('down');
    now += 1_000;
    let release!: (v: string) => void;
    const slow = b.run(() => new Promise<string>((r) => (release = r)));
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release('done');
    await expect(slow).resolves.toBe('done');
    await expect(b.run(ok)).resolves.toBe('ok');
  });
});
