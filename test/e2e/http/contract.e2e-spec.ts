import { randomBytes, randomUUID } from 'node:crypto';

import { ProblemDetailsFilter } from '@app/platform';
import {
  addStaff,
  expectProblem,
  type Problem,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';

interface OpenApiOperation {
  summary?: string;
  security?: Record<string, string[]>[];
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes?: Record<string, { type: string; scheme?: string; bearerFormat?: string }>;
    schemas?: Record<string, { properties?: Record<string, unknown> }>;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function signupBody() {
  const id = randomBytes(4).toString('hex');
  return {
    organization: { name: `Group ${id}` },
    property: { name: `Hotel ${id}`, code: `contract-${id}`, timezone: 'Europe/Lisbon' },
    owner: {
      name: 'Owner',
      email: `owner-${id}@example.com`,
      password: `pw-${randomBytes(12).toString('hex')}`,
    },
  };
}

/**
 * `METHOD /path/:param` for every route Fastify registered, read from its route tree (each level
 * of `printRoutes` is indented four columns and continues its parent's path).
 */
function registeredRoutes(api: TestApi): string[] {
  const fastify = api.app.getHttpAdapter().getInstance();
  const tree = fastify.printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const path = (depth > 0 ? prefixes[depth - 1] : '') + match[2];
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (HTTP_METHODS.has(method)) routes.push(`${method} ${path}`);
    }
  }
  return routes.filter((r) => !r.split(' ')[1].startsWith('/docs')).sort();
}

describe(ProblemDetailsFilter.name, () => {
  let api: TestApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = await signupTenant(api, 'contract');
  });

  afterAll(async () => {
    await api.close();
  });

  describe('mass assignment', () => {
    const signupCases: { name: string; field: string; build: () => Record<string, unknown> }[] = [
      { name: 'id at the top level', field: 'id', build: () => ({ ...signupBody(), id: randomUUID() }) },
      {
        name: 'propertyId at the top level',
        field: 'propertyId',
        build: () => ({ ...signupBody(), propertyId: randomUUID() }),
      },
      { name: 'role at the top level', field: 'role', build: () => ({ ...signupBody(), role: 'admin' }) },
      {
        name: 'role inside owner',
        field: 'owner.role',
        build: () => {
          const body = signupBody();
          return { ...body, owner: { ...body.owner, role: 'admin' } };
        },
      },
      {
        name: 'organizationId inside property',
        field: 'property.organizationId',
        build: () => {
          const body = signupBody();
          return { ...body, property: { ...body.property, organizationId: tenant.organizationId } };
        },
      },
      {
        name: 'id inside organization',
        field: 'organization.id',
        build: () => {
          const body = signupBody();
          return { ...body, organization: { ...body.organization, id: tenant.organizationId } };
        },
      },
    ];

    it.each(signupCases)(
      'refuses signup with $name: 400 validation_failed naming $field, and creates nothing',
      async ({ field, build }) => {
        const body = build();

        const res = await api.request<Problem>('POST', '/api/v1/auth/signup', { body });

        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code: 'unknown_field' }));
        // The same body without the extra field goes through: the email and code were not used up.
        const clean = signupBody();
        const sent = body as ReturnType<typeof signupBody>;
        const retry = await api.request('POST', '/api/v1/auth/signup', {
          body: {
            organization: { name: sent.organization.name },
            property: { ...clean.property, code: sent.property.code },
            owner: { ...clean.owner, email: sent.owner.email },
          },
        });
        expect(retry.status).toBe(201);
      },
    );

    it('refuses isActive on a staff invite and creates no account', async () => {
      const email = `invitee-${randomBytes(4).toString('hex')}@example.com`;
      const password = `pw-${randomBytes(12).toString('hex')}`;

      const res = await api.request<Problem>('POST', `/api/v1/properties/${tenant.propertyId}/staff`, {
        token: tenant.token,
        body: { email, name: 'Invitee', role: 'front_desk', password, isActive: true },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual(
        expect.objectContaining({ field: 'isActive', code: 'unknown_field' }),
      );
      const login = await api.request('POST', '/api/v1/auth/login', { body: { email, password } });
      expect(login.status).toBe(401);
    });

    it.each([
      ['id', { id: randomUUID() }],
      ['organizationId', { organizationId: randomUUID() }],
      ['code', { code: 'stolen-code' }],
    ])('refuses %s on a property PATCH', async (field, body) => {
      const res = await api.request<Problem>('PATCH', `/api/v1/properties/${tenant.propertyId}`, {
        token: tenant.token,
        body,
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code: 'unknown_field' }));
    });

    it.each([
      ['userId', { userId: randomUUID() }],
      ['email', { email: 'someone-else@example.com' }],
      ['propertyId', { propertyId: randomUUID() }],
    ])('refuses %s on a staff PATCH', async (field, body) => {
      const member = await addStaff(api, tenant, 'concierge');

      const res = await api.request<Problem>(
        'PATCH',
        `/api/v1/properties/${tenant.propertyId}/staff/${member.userId}`,
        { token: tenant.token, body },
      );

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code: 'unknown_field' }));
    });

    it('refuses an unknown key nested inside settings with its dotted path', async () => {
      const res = await api.request<Problem>('PATCH', `/api/v1/properties/${tenant.propertyId}`, {
        token: tenant.token,
        body: { settings: { escalation: { threshold: 0.5, bypass: true } } },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual(
        expect.objectContaining({ field: 'settings.escalation.bypass', code: 'unknown_field' }),
      );
    });
  });

  describe('problem+json', () => {
    it('answers 400 validation_failed with errors[] for an invalid body', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', { body: { email: 'not-an-email' } });

      const body = expectProblem(res, 400, 'validation_failed');
      expect(body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['email', 'password']));
    });

    it('answers 400 malformed_body for malformed JSON', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', {
        raw: '{"email": "a@example.com", "password": ',
        headers: { 'content-type': 'application/json' },
      });

      expectProblem(res, 400, 'malformed_body');
    });

    it('answers 401 token_invalid without a token', async () => {
      const res = await api.request('GET', '/api/v1/me');

      expectProblem(res, 401, 'token_invalid');
    });

    it('answers 403 property_forbidden for another tenant’s property', async () => {
      const other = await signupTenant(api, 'contract-other');

      const res = await api.request('GET', `/api/v1/properties/${other.propertyId}`, { token: tenant.token });

      expectProblem(res, 403, 'property_forbidden');
    });

    it('answers 404 route_not_found for an unknown route', async () => {
      const res = await api.request('GET', '/api/v1/no-such-route', { token: tenant.token });

      expectProblem(res, 404, 'route_not_found');
    });

    it('answers 404 staff_not_found for an unknown staff member', async () => {
      const res = await api.request(
        'PATCH',
        `/api/v1/properties/${tenant.propertyId}/staff/${randomUUID()}`,
        {
          token: tenant.token,
          body: { active: false },
        },
      );

      expectProblem(res, 404, 'staff_not_found');
    });

    it('answers 409 email_taken for a duplicate signup', async () => {
      const body = signupBody();

      const res = await api.request('POST', '/api/v1/auth/signup', {
        body: { ...body, owner: { ...body.owner, email: tenant.email } },
      });

      expectProblem(res, 409, 'email_taken');
    });

    it('answers 413 payload_too_large for a body over 1 MiB', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', {
        body: { email: 'big@example.com', password: 'x'.repeat(1024 * 1024 + 1) },
      });

      expectProblem(res, 413, 'payload_too_large');
    });

    it('accepts a body just under the limit (control for the 413)', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', {
        body: { email: 'big@example.com', password: 'x'.repeat(1024 * 1024 - 100) },
      });

      expectProblem(res, 400, 'validation_failed');
    });

    it('answers 415 unsupported_media_type for a body that is not JSON', async () => {
      const res = await api.request('POST', '/api/v1/auth/login', {
        raw: '<login><email>a@example.com</email></login>',
        headers: { 'content-type': 'application/xml' },
      });

      expectProblem(res, 415, 'unsupported_media_type');
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a well-formed request id in the header and as the problem’s correlationId', async () => {
      const id = `client-${randomBytes(6).toString('hex')}`;

      const res = await api.request<Problem>('GET', '/api/v1/me', { headers: { 'x-request-id': id } });

      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toBe(id);
      expect(res.body.correlationId).toBe(id);
    });

    it('echoes it on success too and records it as the audit entry’s correlationId', async () => {
      const id = `audit-${randomBytes(6).toString('hex')}`;

      const res = await api.request('PATCH', `/api/v1/properties/${tenant.propertyId}`, {
        token: tenant.token,
        body: { settings: { defaultLanguage: 'pt' } },
        headers: { 'x-request-id': id },
      });

      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(id);
      const audit = await api.request<{ items: { correlationId: string }[] }>(
        'GET',
        `/api/v1/properties/${tenant.propertyId}/audit-log?action=property.update`,
        { token: tenant.token },
      );
      expect(audit.body.items.map((i) => i.correlationId)).toContain(id);
    });

    it.each([
      ['contains spaces and markup', 'bad id <script>'],
      ['is longer than 128 characters', 'a'.repeat(129)],
    ])('replaces a request id that %s with a fresh UUID', async (_, supplied) => {
      const res = await api.request<Problem>('GET', '/api/v1/me', { headers: { 'x-request-id': supplied } });

      const echoed = res.headers.get('x-request-id');
      expect(echoed).not.toBe(supplied);
      expect(echoed).toMatch(UUID);
      expect(res.body.correlationId).toBe(echoed);
    });

    it('mints a UUID request id when none is supplied', async () => {
      const res = await api.request('GET', '/health/live');

      expect(res.headers.get('x-request-id')).toMatch(UUID);
    });
  });

  describe('OpenAPI', () => {
    let doc: OpenApiDocument;

    beforeAll(async () => {
      const res = await api.request<OpenApiDocument>('GET', '/docs/json');
      expect(res.status).toBe(200);
      doc = res.body;
    });

    const documented = () =>
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
          path,
          method: method.toUpperCase(),
          op,
        })),
      );

    it('reads the registered routes from Fastify (control for the comparison below)', () => {
      const fastify = api.app.getHttpAdapter().getInstance();
      const routes = registeredRoutes(api);

      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /api/v1/me',
          'POST /api/v1/auth/login',
          'PATCH /api/v1/properties/:propertyId',
        ]),
      );
      for (const route of routes) {
        const [method, url] = route.split(' ');
        expect(fastify.hasRoute({ method, url })).toBe(true);
      }
    });

    it('documents exactly the routes the app registered', () => {
      const routes = registeredRoutes(api);

      expect(
        documented()
          .map((d) => d.route)
          .sort(),
      ).toEqual(routes);
    });

    it('defines the bearer security scheme', () => {
      expect(doc.components.securitySchemes?.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
    });

    it('gives every operation a summary', () => {
      const missing = documented()
        .filter((d) => !d.op.summary?.trim())
        .map((d) => d.route);

      expect(missing).toEqual([]);
    });

    it('requires bearer auth in the document exactly where the api demands a token', async () => {
      const mismatches: string[] = [];
      for (const { route, path, method, op } of documented()) {
        const url = path.replace(/\{\w+\}/g, () => randomUUID());
        const res = await api.request<Problem>(method, url, {
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        const demandsToken = res.status === 401 && res.body.code === 'token_invalid';
        const documentsBearer = (op.security ?? []).some((s) => 'bearer' in s);
        if (demandsToken !== documentsBearer)
          mismatches.push(`${route} (answered ${res.status} without a token)`);
      }

      expect(mismatches).toEqual([]);
    });

    it('documents the problem+json error answers of every api route', () => {
      const apiRoutes = documented().filter((d) => d.path.startsWith('/api/'));
      const problemRef = '#/components/schemas/ProblemDto';

      expect(Object.keys(doc.components.schemas?.ProblemDto?.properties ?? {})).toEqual(
        expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'correlationId', 'errors']),
      );
      expect(apiRoutes.length).toBeGreaterThan(0);
      for (const { route, op } of apiRoutes) {
        const responses =
          (op as { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> })
            .responses ?? {};
        const problems = Object.entries(responses).filter(
          ([, r]) => r.content?.['application/problem+json']?.schema?.$ref === problemRef,
        );
        expect({ route, documentsProblems: problems.length > 0 }).toEqual({ route, documentsProblems: true });
      }
    });

    it('serves the interactive docs as HTML at /docs', async () => {
      const res = await api.request<string>('GET', '/docs');

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.body).toMatch(/swagger-ui/i);
    });
  });

  describe('health', () => {
    it('answers 200 ok on /health/live without a token', async () => {
      const res = await api.request('GET', '/health/live');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers 200 with database and redis up on /health/ready', async () => {
      const res = await api.request('GET', '/health/ready');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    });
  });
});
