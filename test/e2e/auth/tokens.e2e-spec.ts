import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';

import { JwtStrategy } from '@app/platform/auth/jwt.strategy';
import { type HttpResult, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';
import jwt from 'jsonwebtoken';

const ISSUER = 'butler-platform';
const AUDIENCE = 'butler-api';

type Claims = Record<string, unknown>;

interface Session {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

/** What a variant needs to forge its token: the api's secret and two live sessions. */
interface ForgeContext {
  secret: string;
  session: Session;
  other: Session;
  /** Claims of a token the api accepts for `session` (all registered claims present). */
  validClaims(): Claims;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** An HMAC-SHA256-signed JWT with whatever header the caller names (for header-confusion tokens). */
function hmacToken(header: object, claims: Claims, secret: string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function signHs256(claims: Claims, secret: string): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

function without(claims: Claims, key: string): Claims {
  const copy = { ...claims };
  delete copy[key];
  return copy;
}

async function login(api: TestApi, tenant: Tenant): Promise<Session> {
  const res = await api.request<{ accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/login', {
    body: { email: tenant.email, password: tenant.password },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const decoded = jwt.decode(res.body.accessToken) as { sub: string; sid: string };
  return {
    userId: decoded.sub,
    sessionId: decoded.sid,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

const FORGED: { name: string; code: string; token: (ctx: ForgeContext) => string }[] = [
  {
    name: 'has alg none and no signature',
    code: 'token_invalid',
    token: (ctx) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(ctx.validClaims())}.`,
  },
  {
    name: 'has alg None but keeps a valid HS256 signature',
    code: 'token_invalid',
    token: (ctx) => {
      const signature = signHs256(ctx.validClaims(), ctx.secret).split('.')[2];
      return `${b64({ alg: 'None', typ: 'JWT' })}.${b64(ctx.validClaims())}.${signature}`;
    },
  },
  {
    name: 'is signed with a wrong key',
    code: 'token_invalid',
    token: (ctx) => signHs256(ctx.validClaims(), randomBytes(48).toString('base64')),
  },
  {
    name: 'has a tampered payload (another live session’s sub and sid) under the original signature',
    code: 'token_invalid',
    token: (ctx) => {
      const [header, payload, signature] = ctx.session.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
      return [header, b64({ ...claims, sub: ctx.other.userId, sid: ctx.other.sessionId }), signature].join(
        '.',
      );
    },
  },
  {
    name: 'has expired',
    code: 'token_expired',
    token: (ctx) => signHs256({ ...ctx.validClaims(), iat: now() - 1000, exp: now() - 60 }, ctx.secret),
  },
  {
    name: 'is not yet valid (nbf in the future)',
    code: 'token_invalid',
    token: (ctx) => signHs256({ ...ctx.validClaims(), nbf: now() + 3600 }, ctx.secret),
  },
  {
    name: 'has the wrong issuer',
    code: 'token_invalid',
    token: (ctx) => signHs256({ ...ctx.validClaims(), iss: 'evil-platform' }, ctx.secret),
  },
  {
    name: 'has the wrong audience',
    code: 'token_invalid',
    token: (ctx) => signHs256({ ...ctx.validClaims(), aud: 'butler-admin' }, ctx.secret),
  },
  {
    name: 'has no sid',
    code: 'token_invalid',
    token: (ctx) => signHs256(without(ctx.validClaims(), 'sid'), ctx.secret),
  },
  {
    name: 'has no sub',
    code: 'token_invalid',
    token: (ctx) => signHs256(without(ctx.validClaims(), 'sub'), ctx.secret),
  },
  {
    name: 'has no typ',
    code: 'token_invalid',
    token: (ctx) => signHs256(without(ctx.validClaims(), 'typ'), ctx.secret),
  },
  {
    name: 'has typ refresh instead of access',
    code: 'token_invalid',
    token: (ctx) => signHs256({ ...ctx.validClaims(), typ: 'refresh' }, ctx.secret),
  },
  {
    name: 'has no exp',
    code: 'token_invalid',
    token: (ctx) => signHs256(without(ctx.validClaims(), 'exp'), ctx.secret),
  },
  {
    name: 'has no iat',
    code: 'token_invalid',
    token: (ctx) =>
      jwt.sign(without(ctx.validClaims(), 'iat'), ctx.secret, { algorithm: 'HS256', noTimestamp: true }),
  },
  {
    name: 'names a session that does not exist',
    code: 'session_ended',
    token: (ctx) =>
      signHs256({ ...ctx.validClaims(), sid: '00000000-0000-4000-8000-000000000000' }, ctx.secret),
  },
  {
    name: 'names another user’s live session',
    code: 'session_ended',
    token: (ctx) => signHs256({ ...ctx.validClaims(), sid: ctx.other.sessionId }, ctx.secret),
  },
  {
    name: 'is the refresh token',
    code: 'token_invalid',
    token: (ctx) => ctx.session.refreshToken,
  },
  {
    name: 'is a garbage string',
    code: 'token_invalid',
    token: () => 'not-a-jwt',
  },
  {
    name: 'is three garbage segments',
    code: 'token_invalid',
    token: () => 'e30.e30.e30',
  },
  {
    name: 'is HS512-signed with the right secret (the algorithm is pinned to HS256)',
    code: 'token_invalid',
    token: (ctx) => jwt.sign(ctx.validClaims(), ctx.secret, { algorithm: 'HS512' }),
  },
  {
    name: 'claims RS256 over an HMAC signature made with the secret (algorithm confusion)',
    code: 'token_invalid',
    token: (ctx) => hmacToken({ alg: 'RS256', typ: 'JWT' }, ctx.validClaims(), ctx.secret),
  },
  {
    name: 'is RS256-signed with an attacker’s RSA key',
    code: 'token_invalid',
    token: (ctx) => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return jwt.sign(ctx.validClaims(), privateKey, { algorithm: 'RS256' });
    },
  },
];

describe(JwtStrategy.name, () => {
  let api: TestApi;
  let ctx: ForgeContext;

  beforeAll(async () => {
    api = await startTestApi();
    const [tenant, otherTenant] = [await signupTenant(api, 'tokens'), await signupTenant(api, 'other')];
    const [session, other] = [await login(api, tenant), await login(api, otherTenant)];
    const secret = api.env.JWT_SECRET;
    ctx = {
      secret,
      session,
      other,
      validClaims: () => ({
        sub: session.userId,
        sid: session.sessionId,
        typ: 'access',
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now(),
        exp: now() + 300,
      }),
    };
  });

  afterAll(async () => {
    await api.close();
  });

  const me = (token: string) =>
    api.request<{ user: { id: string }; code?: string }>('GET', '/api/v1/me', { token });

  function expectUnauthorized(res: HttpResult<{ code?: string }>, code: string) {
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', code });
  }

  describe('GET /api/v1/me', () => {
    it('accepts the access token issued at login', async () => {
      const res = await me(ctx.session.accessToken);

      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(ctx.session.userId);
    });

    it('accepts a token built here with jsonwebtoken for the live session (positive control)', async () => {
      const token = jwt.sign(
        { sub: ctx.session.userId, sid: ctx.session.sessionId, typ: 'access' },
        ctx.secret,
        {
          algorithm: 'HS256',
          issuer: ISSUER,
          audience: AUDIENCE,
          expiresIn: 300,
        },
      );

      const res = await me(token);

      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(ctx.session.userId);
    });

    it('accepts a hand-built HS256 token (control for the header-confusion variants)', async () => {
      const res = await me(hmacToken({ alg: 'HS256', typ: 'JWT' }, ctx.validClaims(), ctx.secret));

      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(ctx.session.userId);
    });

    it.each(FORGED)('answers 401 problem+json when the token $name', async ({ token, code }) => {
      const res = await me(token(ctx));

      expectUnauthorized(res, code);
    });

    it('answers 401 token_invalid when there is no Authorization header', async () => {
      const res = await api.request<{ code?: string }>('GET', '/api/v1/me');

      expectUnauthorized(res, 'token_invalid');
    });

    it('answers 401 token_invalid when a valid token is sent with a scheme other than Bearer', async () => {
      const res = await api.request<{ code?: string }>('GET', '/api/v1/me', {
        headers: { authorization: `Token ${ctx.session.accessToken}` },
      });

      expectUnauthorized(res, 'token_invalid');
    });
  });
});
