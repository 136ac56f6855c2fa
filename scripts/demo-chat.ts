/**
 * npm run demo:chat — talks to the running demo hotel as a guest would, through the web chat
 * API: logs in as the demo owner to make sure the hotel has a web chat widget, opens a visitor
 * session, sends a few messages and prints the concierge's replies as they stream back.
 *
 * BUTLER_URL (default http://127.0.0.1:$PORT or 3000); DEMO_MESSAGES: messages separated by "|".
 */
const base = process.env.BUTLER_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
const ORIGIN = 'http://localhost:8080';
const MESSAGES = (
  process.env.DEMO_MESSAGES ??
  'Hello!|What time is breakfast?|¿Cuál es la contraseña del wifi?|There is a fire in the corridor!'
).split('|');

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function main(): Promise<void> {
  const login = await json<{ accessToken: string }>(
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@demo.butler.test', password: 'demo-owner-password' }),
    }),
  );
  const staff = { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' };
  const properties = await json<{ id: string; code: string }[]>(
    await fetch(`${base}/api/v1/properties`, { headers: staff }),
  );
  const property = properties.find((p) => p.code === 'grand-demo') ?? properties[0];
  const channels = await json<
    { kind: string; address: string; enabled: boolean; settings: { allowedOrigins?: string[] } }[]
  >(await fetch(`${base}/api/v1/properties/${property.id}/channels`, { headers: staff }));
  let widget = channels.find(
    (c) => c.kind === 'webchat' && c.enabled && (c.settings.allowedOrigins ?? []).includes(ORIGIN),
  )?.address;
  if (!widget) {
    widget = (
      await json<{ address: string }>(
        await fetch(`${base}/api/v1/properties/${property.id}/channels`, {
          method: 'POST',
          headers: staff,
          body: JSON.stringify({
            kind: 'webchat',
            name: 'Website chat',
            settings: { allowedOrigins: [ORIGIN] },
          }),
        }),
      )
    ).address;
  }
  const session = await json<{ token: string }>(
    await fetch(`${base}/api/v1/webchat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ widgetKey: widget }),
    }),
  );
  const visitor = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };

  const stream = new AbortController();
  const replies = listen(visitor.authorization, stream.signal);
  for (const content of MESSAGES) {
    console.log(`\nguest  › ${content}`);
    await json(
      await fetch(`${base}/api/v1/webchat/messages`, {
        method: 'POST',
        headers: visitor,
        body: JSON.stringify({ content }),
      }),
    );
    await replies.next(8000);
  }
  stream.abort();
  console.log('\nStaff see the conversation, its decision traces and any escalation in the inbox (/docs).');
}

/** The visitor's event stream: `next(ms)` prints the replies that arrive within ms of the last one. */
function listen(authorization: string, signal: AbortSignal) {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  void (async () => {
    const res = await fetch(`${base}/api/v1/webchat/events`, {
      headers: { authorization, accept: 'text/event-stream' },
      signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      buffer += new TextDecoder().decode(chunk.value);
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: message$/m.test(block) && data) {
          queue.push((JSON.parse(data) as { content: string }).content);
          wake?.();
        }
      }
    }
  })().catch(() => undefined);
  return {
    async next(ms: number): Promise<void> {
      const deadline = Date.now() + ms;
      let printed = false;
      while (Date.now() < deadline) {
        while (queue.length) {
          console.log(`butler › ${queue.shift()}`);
          printed = true;
        }
        if (printed) {
          await new Promise((r) => setTimeout(r, 300));
          if (!queue.length) return;
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 250);
        });
      }
      if (!printed) console.log('butler › (no reply yet: is the worker running?)');
    },
  };
}

main().catch((err: Error) => {
  console.error(`demo chat failed: ${err.message}`);
  process.exit(1);
});
