import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

import { providerCall } from './channel-sender';
import { ProviderError } from './provider-error';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A local provider: each request goes to `handler` with its body read. */
class FakeProvider {
  handler: Handler = (_req, _body, res) => res.end('{}');
  readonly connections = new Set<Socket>();
  connectionsOpened = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeProvider> {
    const server = createServer();
    const fake = new FakeProvider(server);
    server.on('connection', (socket: Socket) => {
      fake.connectionsOpened += 1;
      fake.connections.add(socket);
      socket.on('close', () => fake.connections.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => fake.handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('providerCall', () => {
  let provider: FakeProvider;

  beforeEach(async () => {
    provider = await FakeProvider.start();
  });

  afterEach(async () => {
    await provider.stop();
  });

  const failure = (call: Promise<unknown>): Promise<ProviderError> =>
    call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (err: unknown) => {
        expect(err).toBeInstanceOf(ProviderError);
        return err as ProviderError;
      },
    );

  it('posts a form with its length and type and returns the parsed JSON answer', async () => {
    let seen: { method?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    provider.handler = (req, body, res) => {
      seen = { method: req.method, headers: req.headers, body };
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM1","status":"queued"}');
    };

    const answer = await providerCall(`${provider.url}/Messages.json`, {
      method: 'POST',
      headers: { authorization: 'Basic abc' },
      body: new URLSearchParams({ To: '+351910000001', Body: 'Olá, ça va? €5 & more' }),
    });

    expect(answer).toEqual({ status: 201, body: { sid: 'SM1', status: 'queued' } });
    expect(seen.method).toBe('POST');
    expect(seen.headers).toMatchObject({
      authorization: 'Basic abc',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      'content-length': String(Buffer.byteLength(seen.body ?? '')),
      'user-agent': 'butler-platform',
    });
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({
      To: '+351910000001',
      Body: 'Olá, ça va? €5 & more',
    });
  });

  it('keeps a content-type the caller set and sends text as it is', async () => {
    let seen: { type?: string; body?: string } = {};
    provider.handler = (req, body, res) => {
      seen = { type: req.headers['content-type'], body };
      res.end('{"messages":[{"id":"wamid.1"}]}');
    };

    await providerCall(provider.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"to":"351910000001"}',
    });

    expect(seen).toEqual({ type: 'application/json', body: '{"to":"351910000001"}' });
  });

  it('reuses one connection for calls one after the other', async () => {
    await providerCall(provider.url, { method: 'POST', body: 'a' });
    await providerCall(provider.url, { method: 'POST', body: 'b' });
    await providerCall(provider.url, {});

    expect(provider.connectionsOpened).toBe(1);
  });

  it('refuses a non-2xx answer, retryable with the wait asked for when it is a 429', async () => {
    provider.handler = (_req, _body, res) =>
      res.writeHead(429, { 'retry-after': '7' }).end('{"message":"Too Many Requests"}');

    const err = await failure(providerCall(provider.url, {}, (body) => `described: ${body}`));

    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 7 });
    expect(err.message).toBe('HTTP 429: described: {"message":"Too Many Requests"}');
  });

  it('does not retry a 4xx refusal, and retries a 5xx', async () => {
    provider.handler = (_req, _body, res) => res.writeHead(400).end('{"code":21211}');
    expect(await failure(providerCall(provider.url, {}))).toMatchObject({ status: 400, retryable: false });

    provider.handler = (_req, _body, res) => res.writeHead(503).end('down');
    expect(await failure(providerCall(provider.url, {}))).toMatchObject({ status: 503, retryable: true });
  });

  it('does not retry a 2xx answer it cannot read: the provider may have taken the message', async () => {
    provider.handler = (_req, _body, res) => res.writeHead(200).end('<html>ok</html>');

    expect(await failure(providerCall(provider.url, {}))).toMatchObject({ status: 200, retryable: false });
  });

  it('retries when the provider cannot be reached', async () => {
    const url = provider.url;
    await provider.stop();

    expect(await failure(providerCall(url, {}))).toMatchObject({ status: null, retryable: true });
    provider = await FakeProvider.start();
  });

  it('does not retry a 2xx answer cut off halfway: the provider may have taken the message', async () => {
    provider.handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"sid":');
      setTimeout(() => res.socket?.destroy(), 20);
    };

    const err = await failure(providerCall(provider.url, {}));

    expect(err).toMatchObject({ status: 200, retryable: false });
    expect(err.message).toMatch(/^HTTP 200, then the answer broke off/);
  });

  it('retries a 5xx answer cut off halfway', async () => {
    provider.handler = (_req, _body, res) => {
      res.writeHead(503, { 'content-length': '100' });
      res.write('{"error":');
      setTimeout(() => res.socket?.destroy(), 20);
    };

    expect(await failure(providerCall(provider.url, {}))).toMatchObject({ status: 503, retryable: true });
  });

  it('gives up, as a retryable error, when no answer comes within the timeout', async () => {
    provider.handler = () => undefined; // never answers
    const started = Date.now();

    const err = await failure(providerCall(provider.url, { timeoutMs: 200 }));

    expect(err).toMatchObject({ status: null, retryable: true });
    expect(err.message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a 2xx body that stops coming after the headers, without a retry', async () => {
    provider.handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"sid":');
    };

    const err = await failure(providerCall(provider.url, { timeoutMs: 200 }));

    expect(err).toMatchObject({ status: 200, retryable: false });
  });
});
