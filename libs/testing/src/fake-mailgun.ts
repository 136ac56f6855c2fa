import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

export interface FakeMailgunSend {
  domain: string;
  params: Record<string, string>;
  id: string;
}

export interface FakeMailgun {
  url: string;
  sends: FakeMailgunSend[];
  /** The API key the fake accepts (basic auth `api:<key>`, as Mailgun). */
  allow(apiKey: string): void;
  close(): Promise<void>;
}

/** A local stand-in for Mailgun's POST /v3/{domain}/messages (basic auth, form body with from/to/text). */
export async function startFakeMailgun(): Promise<FakeMailgun> {
  const keys = new Set<string>();
  const sends: FakeMailgunSend[] = [];
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const reply = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const match = /^\/v3\/([a-z0-9.-]+)\/messages$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return reply(404, { message: 'Not Found' });
      const [user, key] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (user !== 'api' || !keys.has(key)) return reply(401, { message: 'Invalid private key' });
      const params = Object.fromEntries(new URLSearchParams(raw));
      if (!params.from || !params.to || !(params.text || params.html))
        return reply(400, { message: "'from', 'to' and 'text' or 'html' are required" });
      const id = `<${randomBytes(8).toString('hex')}@${match[1]}>`;
      sends.push({ domain: match[1], params, id });
      return reply(200, { id, message: 'Queued. Thank you.' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    allow: (key) => void keys.add(key),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
