import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface FakeTwilioSend {
  accountSid: string;
  params: Record<string, string>;
  status: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface FakeTwilio {
  url: string;
  /** Every request that reached the Messages endpoint, with the status it was answered. */
  sends: FakeTwilioSend[];
  /** Accepted sends (2xx), in order. */
  accepted(): FakeTwilioSend[];
  /** Credentials the fake accepts, as Twilio would (any other basic auth is 401). */
  allow(accountSid: string, authToken: string): void;
  /** Answers for the next requests (status, and a Twilio error body for non-2xx); then 201. */
  queue(...responses: { status: number; retryAfter?: string }[]): void;
  /**
   * Runs `hook` with the next accepted message's sid before answering (as when Twilio's status
   * callback overtakes its API answer).
   */
  beforeNextAnswer(hook: (sid: string, send: FakeTwilioSend) => Promise<void>): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Twilio's Messages API that checks what Twilio checks: the path
 * /2010-04-01/Accounts/{AccountSid}/Messages.json, basic auth matching that account, a
 * form-encoded body with To, From and either Body or a Content API template (ContentSid, with
 * ContentVariables as a JSON object of strings).
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const tokens = new Map<string, string>();
  const pending: { status: number; retryAfter?: string }[] = [];
  const sends: FakeTwilioSend[] = [];
  let hook: ((sid: string, send: FakeTwilioSend) => Promise<void>) | undefined;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
      const reply = (status: number, json: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const account = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\.json$/.exec(req.url ?? '');
      if (req.method === 'GET' && account) {
        const [u, p] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':');
        return u === account[1] && tokens.get(u) === p
          ? reply(200, { sid: u, status: 'active' })
          : reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      if (req.method !== 'POST' || !match)
        return reply(404, { code: 20404, message: 'not found', status: 404 });
      const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (user !== match[1] || !tokens.has(user) || tokens.get(user) !== pass)
        return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return reply(400, { code: 20001, message: 'form body required', status: 400 });
      const params = Object.fromEntries(new URLSearchParams(body));
      const next = pending.shift() ?? { status: 201 };
      sends.push({ accountSid: match[1], params, status: next.status, at: Date.now() });
      if (!params.To || !params.From)
        return reply(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
      if (params.Body === undefined && params.ContentSid === undefined)
        return reply(400, {
          code: 21619,
          message: 'A text message body or media URL must be specified.',
          status: 400,
        });
      if (params.ContentSid !== undefined && !contentOk(params))
        return reply(400, {
          code: 21656,
          message: 'The ContentVariables Parameter is invalid.',
          status: 400,
        });
      if (next.status >= 300)
        return reply(
          next.status,
          {
            code: next.status === 400 ? 21211 : 20500,
            message: `fake error ${next.status}`,
            status: next.status,
          },
          next.retryAfter ? { 'retry-after': next.retryAfter } : {},
        );
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const before = hook;
      hook = undefined;
      const answer = () => reply(201, { sid, status: 'queued', to: params.To });
      if (!before) return answer();
      void before(sid, sends[sends.length - 1]).then(answer, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    accepted: () => sends.filter((s) => s.status < 300),
    allow: (sid, token) => void tokens.set(sid, token),
    queue: (...responses) => void pending.push(...responses),
    beforeNextAnswer: (h) => void (hook = h),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A Content API send: an HX content SID and, if given, variables as a JSON object of strings. */
function contentOk(params: Record<string, string>): boolean {
  if (!/^HX[0-9a-f]{32}$/.test(params.ContentSid) || params.Body !== undefined) return false;
  if (params.ContentVariables === undefined) return true;
  try {
    const vars = JSON.parse(params.ContentVariables) as unknown;
    return (
      typeof vars === 'object' &&
      vars !== null &&
      !Array.isArray(vars) &&
      Object.entries(vars).every(([k, v]) => /^\w+$/.test(k) && typeof v === 'string')
    );
  } catch {
    return false;
  }
}
