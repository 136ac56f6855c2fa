import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

export interface FakeWhatsAppSend {
  phoneNumberId: string;
  body: {
    messaging_product?: string;
    to?: string;
    type?: string;
    text?: { body?: string };
    template?: {
      name?: string;
      language?: { code?: string };
      components?: {
        type?: string;
        parameters?: { type?: string; text?: string; parameter_name?: string }[];
      }[];
    };
  };
  status: number;
}

export interface FakeWhatsApp {
  url: string;
  sends: FakeWhatsAppSend[];
  accepted(): FakeWhatsAppSend[];
  /** The access token the fake accepts for a phone number id (anything else is 401, as Graph does). */
  allow(phoneNumberId: string, accessToken: string): void;
  queue(...statuses: number[]): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for the WhatsApp Cloud API's POST /{version}/{phone-number-id}/messages that
 * checks the bearer token of the number and the JSON shape a text or template message needs.
 */
export async function startFakeWhatsApp(): Promise<FakeWhatsApp> {
  const tokens = new Map<string, string>();
  const pending: number[] = [];
  const sends: FakeWhatsAppSend[] = [];
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const reply = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const number = /^\/v\d+\.\d\/(\d+)\?fields=id$/.exec(req.url ?? '');
      if (req.method === 'GET' && number)
        return req.headers.authorization === `Bearer ${tokens.get(number[1]) ?? '-'}`
          ? reply(200, { id: number[1] })
          : reply(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
      const match = /^\/v\d+\.\d\/(\d+)\/messages$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match)
        return reply(404, { error: { message: 'Unknown path', code: 100 } });
      if (req.headers.authorization !== `Bearer ${tokens.get(match[1]) ?? '-'}`)
        return reply(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
      let body: FakeWhatsAppSend['body'] = {};
      try {
        body = JSON.parse(raw) as FakeWhatsAppSend['body'];
      } catch {
        return reply(400, { error: { message: 'Invalid JSON', code: 100 } });
      }
      const status = pending.shift() ?? 200;
      sends.push({ phoneNumberId: match[1], body, status });
      if (
        body.messaging_product !== 'whatsapp' ||
        !/^\d{6,15}$/.test(body.to ?? '') ||
        !(body.type === 'template' ? templateOk(body.template) : typeof body.text?.body === 'string')
      )
        return reply(400, { error: { message: 'Invalid parameter', code: 100 } });
      if (status >= 300) return reply(status, { error: { message: `fake error ${status}`, code: 131000 } });
      return reply(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.${randomBytes(12).toString('hex')}` }],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    accepted: () => sends.filter((s) => s.status < 300),
    allow: (id, token) => void tokens.set(id, token),
    queue: (...statuses) => void pending.push(...statuses),
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

/** A template send as Graph takes it: name, language code, body parameters of type text. */
function templateOk(t: FakeWhatsAppSend['body']['template']): boolean {
  if (!t || !/^[a-z0-9_]+$/.test(t.name ?? '') || typeof t.language?.code !== 'string') return false;
  return (t.components ?? []).every(
    (c) =>
      ['header', 'body', 'button'].includes(c.type ?? '') &&
      (c.parameters ?? []).every(
        (p) =>
          p.type === 'text' &&
          typeof p.text === 'string' &&
          !/[\n\t]/.test(p.text) &&
          (p.parameter_name === undefined || /^[a-z_][a-z0-9_]*$/.test(p.parameter_name)),
      ),
  );
}
