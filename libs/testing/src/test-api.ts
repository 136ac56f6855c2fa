import { createApiApp } from '@app/api/bootstrap';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';

import { createTestDatabase, type TestDatabase } from './test-database';
import { useTestEnvironment } from './test-env';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  app: NestFastifyApplication;
  db: TestDatabase;
  env: Record<string, string>;
  baseUrl: string;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      token?: string;
      headers?: Record<string, string>;
      raw?: string | Buffer;
      form?: FormData;
    },
  ): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

/** The whole api on a real port, over a fresh database and its own Redis prefix. */
export async function startTestApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const env = useTestEnvironment(db.appUrl, overrides);
  const app = await createApiApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    db,
    env,
    baseUrl,
    request: requester(baseUrl),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

function requester(baseUrl: string): TestApi['request'] {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | FormData | undefined = options.raw ?? options.form;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };
}

/**
 * Another api replica on the same database and Redis prefix as `first` (for cross-replica
 * behaviour: live streams, rate limits). Closing it leaves the database to `first`.
 */
export async function startReplica(first: TestApi): Promise<TestApi> {
  const app = await createApiApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { ...first, app, baseUrl, request: requester(baseUrl), close: () => app.close() };
}
