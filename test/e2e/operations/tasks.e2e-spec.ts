import { randomBytes, randomUUID } from 'node:crypto';

import { TasksController } from '@app/operations';
import {
  addStaff,
  expectProblem,
  pool,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';

interface Task {
  id: string;
  type: string;
  department: string;
  roomNumber: string | null;
  description: string;
  items: { item: string; quantity: number }[];
  priority: string;
  status: string;
  assignedTo: string | null;
  source: string;
  guestId: string | null;
  reservationId: string | null;
  externalRef: string | null;
  dueAt: string;
  overdue: boolean;
  assignedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  notes: string | null;
  completionNotes: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  items: Task[];
  nextCursor: string | null;
}

interface Stats {
  from: string;
  to: string;
  open: { department: string; priority: string; count: number }[];
  overdue: number;
  completed: number;
  medianMinutesToComplete: number | null;
}

type Move = 'assign' | 'claim' | 'start' | 'complete' | 'cancel' | 'reopen';

const unique = () => randomBytes(4).toString('hex');
const MINUTE = 60_000;
/** Slack for the time between the request and the server computing its default due time. */
const TOLERANCE = 10_000;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();

describe(TasksController.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;
  let bTaskId: string;

  const tasksOf = (propertyId: string) => `/api/v1/properties/${propertyId}/tasks`;

  const towels = (extra: Record<string, unknown> = {}) => ({
    type: 'amenity_request',
    department: 'housekeeping',
    roomNumber: '204',
    description: 'Bring two more towels',
    items: [{ item: 'towels', quantity: 2 }],
    ...extra,
  });

  function createRaw(propertyId: string, token: string, body: unknown) {
    return api.request<Task>('POST', tasksOf(propertyId), { token, body });
  }

  async function createTask(propertyId: string, token: string, extra: Record<string, unknown> = {}) {
    const res = await createRaw(propertyId, token, towels(extra));
    if (res.status !== 201) throw new Error(`create task failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  function getTask(propertyId: string, token: string, id: string) {
    return api.request<Task>('GET', `${tasksOf(propertyId)}/${id}`, { token });
  }

  async function readTask(propertyId: string, token: string, id: string) {
    const res = await getTask(propertyId, token, id);
    if (res.status !== 200) throw new Error(`get task failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  function act(propertyId: string, token: string, id: string, move: Move, body?: unknown) {
    return api.request<Task>('POST', `${tasksOf(propertyId)}/${id}/${move}`, { token, body });
  }

  async function actOk(propertyId: string, token: string, id: string, move: Move, body?: unknown) {
    const res = await act(propertyId, token, id, move, body);
    if (res.status !== 200) throw new Error(`${move} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function list(propertyId: string, token: string, query = '') {
    const res = await api.request<Page>('GET', `${tasksOf(propertyId)}?${query}`, { token });
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function listAll(propertyId: string, token: string, query = '') {
    const items: Task[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(
        propertyId,
        token,
        `${query}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async function stats(propertyId: string, token: string, query = '') {
    const res = await api.request<Stats>('GET', `${tasksOf(propertyId)}/stats?${query}`, { token });
    if (res.status !== 200) throw new Error(`stats failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function createGuest(tenant: Tenant, lastName = `Guest${unique()}`) {
    const res = await api.request<{ id: string }>('POST', `/api/v1/properties/${tenant.propertyId}/guests`, {
      token: tenant.token,
      body: { firstName: 'Ana', lastName },
    });
    if (res.status !== 201) throw new Error(`create guest failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A fresh property of A's organization, so counts and queues start empty. */
  async function createProperty() {
    const res = await api.request<{ id: string }>('POST', '/api/v1/properties', {
      token: a.token,
      body: { name: `Hotel ${unique()}`, code: `ops-${unique()}`, timezone: 'Europe/Lisbon' },
    });
    if (res.status !== 201)
      throw new Error(`create property failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async function countTasks(propertyId: string) {
    const db = pool(api.db.adminUrl, { max: 1 });
    try {
      const { rows } = await db.query<{ count: number }>(
        'select count(*)::int as count from operations.tasks where property_id = $1',
        [propertyId],
      );
      return rows[0].count;
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    api = await startTestApi();
    a = await signupTenant(api, 'tasks-a');
    b = await signupTenant(api, 'tasks-b');
    bTaskId = (await createTask(b.propertyId, b.token, { notes: 'B only' })).id;
  });

  afterAll(async () => {
    await api.close();
  });

  describe('create', () => {
    it.each(['owner', 'manager', 'front_desk', 'concierge'] as const)(
      'answers 201 with a pending manual task at version 1 when a %s creates it',
      async (role) => {
        const token = role === 'owner' ? a.token : (await addStaff(api, a, role)).token;

        const res = await createRaw(a.propertyId, token, towels({ priority: 'high', notes: 'VIP' }));

        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          type: 'amenity_request',
          department: 'housekeeping',
          roomNumber: '204',
          description: 'Bring two more towels',
          items: [{ item: 'towels', quantity: 2 }],
          priority: 'high',
          status: 'pending',
          assignedTo: null,
          source: 'manual',
          guestId: null,
          notes: 'VIP',
          completedAt: null,
          version: 1,
        });
        expect(await readTask(a.propertyId, token, res.body.id)).toEqual(res.body);
      },
    );

    it.each([
      ['urgent', 15],
      ['high', 30],
      ['standard', 60],
      ['low', 240],
    ] as const)('defaults a %s task’s due time to now + %i minutes', async (priority, minutes) => {
      const before = Date.now();

      const task = await createTask(a.propertyId, a.token, { priority });

      const after = Date.now();
      const due = Date.parse(task.dueAt);
      expect(due).toBeGreaterThanOrEqual(before + minutes * MINUTE - TOLERANCE);
      expect(due).toBeLessThanOrEqual(after + minutes * MINUTE + TOLERANCE);
    });

    it('defaults to a standard priority when none is given', async () => {
      const task = await createTask(a.propertyId, a.token);

      expect(task.priority).toBe('standard');
    });

    it('uses the property’s own due minutes once its settings change them', async () => {
      const propertyId = await createProperty();
      const patched = await api.request('PATCH', `/api/v1/properties/${propertyId}`, {
        token: a.token,
        body: { settings: { tasks: { dueMinutes: { urgent: 5 } } } },
      });
      expect(patched.status).toBe(200);
      const before = Date.now();

      const urgent = await createTask(propertyId, a.token, { priority: 'urgent' });
      const high = await createTask(propertyId, a.token, { priority: 'high' });

      const after = Date.now();
      expect(Date.parse(urgent.dueAt)).toBeGreaterThanOrEqual(before + 5 * MINUTE - TOLERANCE);
      expect(Date.parse(urgent.dueAt)).toBeLessThanOrEqual(after + 5 * MINUTE + TOLERANCE);
      expect(Date.parse(high.dueAt)).toBeGreaterThanOrEqual(before + 30 * MINUTE - TOLERANCE);
      expect(Date.parse(high.dueAt)).toBeLessThanOrEqual(after + 30 * MINUTE + TOLERANCE);
    });

    it('keeps an explicit due time', async () => {
      const task = await createTask(a.propertyId, a.token, {
        priority: 'urgent',
        dueAt: '2031-05-06T07:08:09.000Z',
      });

      expect(task.dueAt).toBe('2031-05-06T07:08:09.000Z');
    });

    it('answers an assigned task when created with an assignee', async () => {
      const worker = await addStaff(api, a, 'housekeeping');

      const task = await createTask(a.propertyId, a.token, { assigneeId: worker.userId });

      expect(task).toMatchObject({ status: 'assigned', assignedTo: worker.userId, version: 2 });
      expect(task.assignedAt).not.toBeNull();
    });

    it.each<[string, Record<string, unknown>]>([
      ['an unknown field', { colour: 'blue' }],
      ['a status', { status: 'completed' }],
      ['an id', { id: randomUUID() }],
      ['a version', { version: 7 }],
      ['a department that is not a slug', { department: 'House Keeping' }],
      ['an unknown priority', { priority: 'asap' }],
      ['an item with quantity 0', { items: [{ item: 'towels', quantity: 0 }] }],
      ['an impossible due date', { dueAt: '2026-13-01' }],
    ])('answers 400 validation_failed and creates nothing for %s', async (_what, extra) => {
      const propertyId = await createProperty();

      const res = await createRaw(propertyId, a.token, towels(extra));

      expectProblem(res, 400, 'validation_failed');
      expect(await countTasks(propertyId)).toBe(0);
    });

    it('answers 404 guest_not_found and creates nothing for another property’s guest', async () => {
      const propertyId = await createProperty();
      const bGuest = await createGuest(b);

      const res = await createRaw(propertyId, a.token, towels({ guestId: bGuest.id }));

      expectProblem(res, 404, 'guest_not_found');
      expect(await countTasks(propertyId)).toBe(0);
    });

    it('answers 404 assignee_not_found for a staff member of another property', async () => {
      const propertyId = await createProperty();
      const bWorker = await addStaff(api, b, 'housekeeping');

      const res = await createRaw(propertyId, a.token, towels({ assigneeId: bWorker.userId }));

      expectProblem(res, 404, 'assignee_not_found');
      expect(await countTasks(propertyId)).toBe(0);
    });

    it('links a guest of the same property', async () => {
      const guest = await createGuest(a);

      const task = await createTask(a.propertyId, a.token, { guestId: guest.id });

      expect(task.guestId).toBe(guest.id);
    });
  });

  describe('status machine', () => {
    let worker: { userId: string; token: string };

    beforeAll(async () => {
      worker = await addStaff(api, a, 'housekeeping');
    });

    it('moves assign → start → complete, stamping each step', async () => {
      const task = await createTask(a.propertyId, a.token);

      const assigned = await actOk(a.propertyId, a.token, task.id, 'assign', { userId: worker.userId });
      const started = await actOk(a.propertyId, worker.token, task.id, 'start');
      const completed = await actOk(a.propertyId, worker.token, task.id, 'complete', {
        completionNotes: 'Delivered 2 towels',
      });

      expect(assigned).toMatchObject({ status: 'assigned', assignedTo: worker.userId, version: 2 });
      expect(assigned.assignedAt).not.toBeNull();
      expect(started).toMatchObject({ status: 'in_progress', version: 3 });
      expect(started.startedAt).not.toBeNull();
      expect(completed).toMatchObject({
        status: 'completed',
        assignedTo: worker.userId,
        completionNotes: 'Delivered 2 towels',
        overdue: false,
        version: 4,
      });
      expect(completed.completedAt).not.toBeNull();
      expect(await readTask(a.propertyId, a.token, task.id)).toEqual(completed);
    });

    it('refuses to assign to a staff member of another property with 404 assignee_not_found', async () => {
      const task = await createTask(a.propertyId, a.token);
      const bWorker = await addStaff(api, b, 'housekeeping');

      const res = await act(a.propertyId, a.token, task.id, 'assign', { userId: bWorker.userId });

      expectProblem(res, 404, 'assignee_not_found');
      expect(await readTask(a.propertyId, a.token, task.id)).toEqual(task);
    });

    it.each([
      ['pending', [] as Move[]],
      ['assigned', ['assign'] as Move[]],
      ['in_progress', ['assign', 'start'] as Move[]],
    ])('cancels a %s task', async (_from, path) => {
      const task = await createTask(a.propertyId, a.token);
      for (const move of path) {
        await actOk(
          a.propertyId,
          a.token,
          task.id,
          move,
          move === 'assign' ? { userId: worker.userId } : undefined,
        );
      }

      const cancelled = await actOk(a.propertyId, a.token, task.id, 'cancel');

      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.cancelledAt).not.toBeNull();
      expect(cancelled.version).toBe(path.length + 2);
    });

    it('reopens a completed task back to assigned when it has an assignee, clearing its completion', async () => {
      const task = await createTask(a.propertyId, a.token, { assigneeId: worker.userId });
      await actOk(a.propertyId, worker.token, task.id, 'complete', { completionNotes: 'done' });

      const reopened = await actOk(a.propertyId, a.token, task.id, 'reopen');

      expect(reopened).toMatchObject({
        status: 'assigned',
        assignedTo: worker.userId,
        completedAt: null,
        completionNotes: null,
      });
    });

    it('reopens a cancelled task without an assignee back to pending', async () => {
      const task = await createTask(a.propertyId, a.token);
      await actOk(a.propertyId, a.token, task.id, 'cancel');

      const reopened = await actOk(a.propertyId, a.token, task.id, 'reopen');

      expect(reopened).toMatchObject({ status: 'pending', assignedTo: null, cancelledAt: null });
    });

    it.each<[string, Move[], Move]>([
      ['start a pending task', [], 'start'],
      ['complete a pending task', [], 'complete'],
      ['reopen a pending task', [], 'reopen'],
      ['reopen an assigned task', ['assign'], 'reopen'],
      ['start an in-progress task', ['assign', 'start'], 'start'],
      ['assign an in-progress task', ['assign', 'start'], 'assign'],
      ['complete a completed task', ['assign', 'complete'], 'complete'],
      ['start a completed task', ['assign', 'complete'], 'start'],
      ['cancel a completed task', ['assign', 'complete'], 'cancel'],
      ['assign a completed task', ['assign', 'complete'], 'assign'],
      ['cancel a cancelled task', ['cancel'], 'cancel'],
      ['start a cancelled task', ['cancel'], 'start'],
      ['complete a cancelled task', ['cancel'], 'complete'],
    ])('answers 409 invalid_transition and leaves the task unchanged to %s', async (_what, path, move) => {
      const task = await createTask(a.propertyId, a.token);
      for (const step of path) {
        await actOk(
          a.propertyId,
          a.token,
          task.id,
          step,
          step === 'assign' ? { userId: worker.userId } : undefined,
        );
      }
      const before = await readTask(a.propertyId, a.token, task.id);

      const res = await act(
        a.propertyId,
        a.token,
        task.id,
        move,
        move === 'assign' ? { userId: worker.userId } : undefined,
      );

      expectProblem(res, 409, 'invalid_transition');
      expect(await readTask(a.propertyId, a.token, task.id)).toEqual(before);
    });
  });

  describe('department scope', () => {
    let propertyId: string;
    let housekeeper: { userId: string; token: string };
    let manager: { userId: string; token: string };
    let cleaning: Task;
    let repair: Task;

    beforeAll(async () => {
      propertyId = a.propertyId;
      housekeeper = await addStaff(api, a, 'housekeeping');
      manager = await addStaff(api, a, 'manager');
      cleaning = await createTask(propertyId, a.token, { type: 'cleaning', description: 'Clean 101' });
      repair = await createTask(propertyId, a.token, {
        type: 'repair',
        department: 'maintenance',
        description: 'Fix the tap in 101',
        items: [],
        assigneeId: manager.userId,
      });
    });

    it('lists only housekeeping tasks to a housekeeper', async () => {
      const items = await listAll(propertyId, housekeeper.token);

      expect(items.map((t) => t.id)).toContain(cleaning.id);
      expect(items.map((t) => t.id)).not.toContain(repair.id);
      expect(new Set(items.map((t) => t.department))).toEqual(new Set(['housekeeping']));
    });

    it('lists every department to a manager', async () => {
      const ids = (await listAll(propertyId, manager.token)).map((t) => t.id);

      expect(ids).toEqual(expect.arrayContaining([cleaning.id, repair.id]));
    });

    it('answers 403 other_department when a housekeeper asks for the maintenance queue', async () => {
      const res = await api.request('GET', `${tasksOf(propertyId)}?department=maintenance`, {
        token: housekeeper.token,
      });

      expectProblem(res, 403, 'other_department');
    });

    it.each<[string, Move | 'get']>([
      ['read', 'get'],
      ['claim', 'claim'],
      ['complete', 'complete'],
      ['start', 'start'],
    ])(
      'answers 403 other_department when a housekeeper tries to %s a maintenance task',
      async (_what, move) => {
        const before = await readTask(propertyId, a.token, repair.id);

        const res =
          move === 'get'
            ? await getTask(propertyId, housekeeper.token, repair.id)
            : await act(propertyId, housekeeper.token, repair.id, move);

        expectProblem(res, 403, 'other_department');
        expect(await readTask(propertyId, a.token, repair.id)).toEqual(before);
      },
    );

    it('lets a housekeeper claim, start and complete a housekeeping task', async () => {
      const task = await createTask(propertyId, a.token);

      const claimed = await actOk(propertyId, housekeeper.token, task.id, 'claim');
      const started = await actOk(propertyId, housekeeper.token, task.id, 'start');
      const completed = await actOk(propertyId, housekeeper.token, task.id, 'complete');

      expect(claimed).toMatchObject({ status: 'assigned', assignedTo: housekeeper.userId });
      expect(started.status).toBe('in_progress');
      expect(completed).toMatchObject({ status: 'completed', assignedTo: housekeeper.userId });
    });

    it('answers 403 forbidden when a housekeeper creates a task', async () => {
      const before = await countTasks(propertyId);

      const res = await createRaw(propertyId, housekeeper.token, towels());

      expectProblem(res, 403, 'forbidden');
      expect(await countTasks(propertyId)).toBe(before);
    });

    it('answers 403 forbidden when a housekeeper cancels a housekeeping task', async () => {
      const task = await createTask(propertyId, a.token);

      const res = await act(propertyId, housekeeper.token, task.id, 'cancel');

      expectProblem(res, 403, 'forbidden');
      expect((await readTask(propertyId, a.token, task.id)).status).toBe('pending');
    });

    it('lets a manager complete a maintenance task', async () => {
      const task = await createTask(propertyId, a.token, {
        type: 'repair',
        department: 'maintenance',
        assigneeId: manager.userId,
      });

      const completed = await actOk(propertyId, manager.token, task.id, 'complete');

      expect(completed.status).toBe('completed');
    });
  });

  describe('list', () => {
    let propertyId: string;
    let worker: { userId: string };
    const made: Record<string, Task> = {};

    beforeAll(async () => {
      propertyId = await createProperty();
      const invited = await api.request<{ userId: string }>(
        'POST',
        `/api/v1/properties/${propertyId}/staff`,
        {
          token: a.token,
          body: {
            email: `hk-${unique()}@example.com`,
            name: 'Hk',
            role: 'housekeeping',
            password: `pw-${unique()}${unique()}`,
          },
        },
      );
      expect(invited.status).toBe(201);
      worker = { userId: invited.body.userId };
      const specs: [string, Record<string, unknown>][] = [
        ['lowSoon', { priority: 'low', dueAt: inMinutes(5), assigneeId: a.userId }],
        ['standardLate', { priority: 'standard', dueAt: inMinutes(90) }],
        ['urgentLate', { priority: 'urgent', dueAt: inMinutes(120) }],
        ['highSoon', { priority: 'high', dueAt: inMinutes(10), department: 'maintenance' }],
        ['urgentSoon', { priority: 'urgent', dueAt: inMinutes(3), assigneeId: worker.userId }],
        ['standardSoon', { priority: 'standard', dueAt: '2099-01-01T00:00:00.123456Z' }],
        ['standardSame', { priority: 'standard', dueAt: '2099-01-01T00:00:00.123456Z' }],
        ['overdue', { priority: 'high', dueAt: inMinutes(-30) }],
        ['done', { priority: 'urgent', dueAt: inMinutes(-60), assigneeId: worker.userId }],
      ];
      for (const [name, extra] of specs) made[name] = await createTask(propertyId, a.token, extra);
      await actOk(propertyId, a.token, made.done.id, 'complete');
    });

    it('orders urgent, high, standard, low, then by due time', async () => {
      const items = await listAll(propertyId, a.token);

      expect(items.map((t) => t.id)).toEqual([
        made.done.id,
        made.urgentSoon.id,
        made.urgentLate.id,
        made.overdue.id,
        made.highSoon.id,
        made.standardLate.id,
        ...[made.standardSoon.id, made.standardSame.id].sort(),
        made.lowSoon.id,
      ]);
    });

    it('pages with limit=2 returning every task exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await list(propertyId, a.token, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);

      expect(pages).toBe(5);
      expect(seen).toEqual((await listAll(propertyId, a.token)).map((t) => t.id));
      expect(new Set(seen).size).toBe(Object.keys(made).length);
    });

    it('filters by department', async () => {
      const items = await listAll(propertyId, a.token, 'department=maintenance');

      expect(items.map((t) => t.id)).toEqual([made.highSoon.id]);
    });

    it('filters by a comma-separated list of statuses', async () => {
      const both = await listAll(propertyId, a.token, 'status=pending,assigned');
      const completed = await listAll(propertyId, a.token, 'status=completed');

      expect(both.map((t) => t.id).sort()).toEqual(
        Object.values(made)
          .filter((t) => t.id !== made.done.id)
          .map((t) => t.id)
          .sort(),
      );
      expect(completed.map((t) => t.id)).toEqual([made.done.id]);
    });

    it('filters by assignee=me', async () => {
      const mine = await listAll(propertyId, a.token, 'assignee=me');
      const theirs = await listAll(propertyId, a.token, `assignee=${worker.userId}`);

      expect(mine.map((t) => t.id)).toEqual([made.lowSoon.id]);
      expect(theirs.map((t) => t.id)).toEqual([made.done.id, made.urgentSoon.id]);
    });

    it('filters by priority', async () => {
      const items = await listAll(propertyId, a.token, 'priority=urgent');

      expect(items.map((t) => t.id)).toEqual([made.done.id, made.urgentSoon.id, made.urgentLate.id]);
    });

    it('filters open tasks past their due time with overdue=true', async () => {
      const items = await listAll(propertyId, a.token, 'overdue=true');

      expect(items.map((t) => t.id)).toEqual([made.overdue.id]);
      expect(items[0].overdue).toBe(true);
    });

    it('answers 400 validation_failed for a forged cursor', async () => {
      const forged = Buffer.from(JSON.stringify([0, 'not a date', randomUUID()])).toString('base64url');

      const res = await api.request('GET', `${tasksOf(propertyId)}?cursor=${forged}`, { token: a.token });
      const junk = await api.request('GET', `${tasksOf(propertyId)}?cursor=garbage`, { token: a.token });

      expectProblem(res, 400, 'validation_failed');
      expectProblem(junk, 400, 'validation_failed');
    });

    it('answers 400 validation_failed for an unknown status', async () => {
      const res = await api.request('GET', `${tasksOf(propertyId)}?status=pending,done`, { token: a.token });

      expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('stats', () => {
    let propertyId: string;

    beforeAll(async () => {
      propertyId = await createProperty();
      await createTask(propertyId, a.token, { priority: 'urgent' });
      await createTask(propertyId, a.token, { priority: 'urgent' });
      await createTask(propertyId, a.token, { priority: 'low', dueAt: inMinutes(-5) });
      await createTask(propertyId, a.token, { department: 'maintenance', priority: 'high' });
      const cancelled = await createTask(propertyId, a.token, { priority: 'urgent', dueAt: inMinutes(-5) });
      await actOk(propertyId, a.token, cancelled.id, 'cancel');
      for (let i = 0; i < 2; i += 1) {
        const done = await createTask(propertyId, a.token, { assigneeId: a.userId });
        await actOk(propertyId, a.token, done.id, 'complete');
      }
    });

    it('counts open tasks per department and priority, overdue and completed ones', async () => {
      const s = await stats(propertyId, a.token);

      expect(s.open).toEqual([
        { department: 'housekeeping', priority: 'low', count: 1 },
        { department: 'housekeeping', priority: 'urgent', count: 2 },
        { department: 'maintenance', priority: 'high', count: 1 },
      ]);
      expect(s.overdue).toBe(1);
      expect(s.completed).toBe(2);
      expect(s.medianMinutesToComplete).not.toBeNull();
      expect(s.medianMinutesToComplete).toBeGreaterThanOrEqual(0);
    });

    it('answers a null median when nothing was completed in the window', async () => {
      const s = await stats(propertyId, a.token, 'from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');

      expect(s.completed).toBe(0);
      expect(s.medianMinutesToComplete).toBeNull();
    });

    it('scopes a housekeeper’s stats to housekeeping', async () => {
      const housekeeper = await addStaff(api, a, 'housekeeping');

      const s = await stats(a.propertyId, housekeeper.token);

      expect(s.open.length).toBeGreaterThan(0);
      expect(new Set(s.open.map((o) => o.department))).toEqual(new Set(['housekeeping']));
    });

    it.each([
      ['from after to', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'],
      ['from equal to to', 'from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ])('answers 400 validation_failed for %s', async (_what, query) => {
      const res = await api.request('GET', `${tasksOf(propertyId)}/stats?${query}`, { token: a.token });

      expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('update', () => {
    it('answers 200 with the next version when sent the current one', async () => {
      const task = await createTask(a.propertyId, a.token);

      const res = await api.request<Task>('PATCH', `${tasksOf(a.propertyId)}/${task.id}`, {
        token: a.token,
        body: { version: 1, priority: 'urgent', roomNumber: null, notes: 'moved' },
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: 2, priority: 'urgent', roomNumber: null, notes: 'moved' });
      expect(await readTask(a.propertyId, a.token, task.id)).toEqual(res.body);
    });

    it('answers 409 version_conflict and changes nothing for a stale version', async () => {
      const task = await createTask(a.propertyId, a.token);
      await api.request('PATCH', `${tasksOf(a.propertyId)}/${task.id}`, {
        token: a.token,
        body: { version: 1, notes: 'first' },
      });

      const res = await api.request('PATCH', `${tasksOf(a.propertyId)}/${task.id}`, {
        token: a.token,
        body: { version: 1, notes: 'second' },
      });

      expectProblem(res, 409, 'version_conflict');
      expect(await readTask(a.propertyId, a.token, task.id)).toMatchObject({ version: 2, notes: 'first' });
    });

    it('answers 400 validation_failed without a version', async () => {
      const task = await createTask(a.propertyId, a.token);

      const res = await api.request('PATCH', `${tasksOf(a.propertyId)}/${task.id}`, {
        token: a.token,
        body: { notes: 'x' },
      });

      expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('other property', () => {
    let aTask: Task;

    beforeAll(async () => {
      aTask = await createTask(a.propertyId, a.token);
    });

    it.each<[string, 'GET' | 'PATCH' | 'POST', string]>([
      ['GET', 'GET', ''],
      ['PATCH', 'PATCH', ''],
      ['assign', 'POST', '/assign'],
      ['claim', 'POST', '/claim'],
      ['start', 'POST', '/start'],
      ['complete', 'POST', '/complete'],
      ['cancel', 'POST', '/cancel'],
      ['reopen', 'POST', '/reopen'],
    ])("answers 403 property_forbidden to B's token on %s of A's task", async (_what, method, suffix) => {
      const res = await api.request(method, `${tasksOf(a.propertyId)}/${aTask.id}${suffix}`, {
        token: b.token,
        body:
          method === 'PATCH'
            ? { version: 1, notes: 'B' }
            : suffix === '/assign'
              ? { userId: b.userId }
              : undefined,
      });

      expectProblem(res, 403, 'property_forbidden');
      expect(await readTask(a.propertyId, a.token, aTask.id)).toEqual(aTask);
    });

    it("answers 403 property_forbidden to B's token on A's list and stats", async () => {
      const listed = await api.request('GET', tasksOf(a.propertyId), { token: b.token });
      const counted = await api.request('GET', `${tasksOf(a.propertyId)}/stats`, { token: b.token });

      expectProblem(listed, 403, 'property_forbidden');
      expectProblem(counted, 403, 'property_forbidden');
    });

    it.each<[string, 'GET' | 'PATCH' | 'POST', string]>([
      ['GET', 'GET', ''],
      ['PATCH', 'PATCH', ''],
      ['assign', 'POST', '/assign'],
      ['claim', 'POST', '/claim'],
      ['start', 'POST', '/start'],
      ['complete', 'POST', '/complete'],
      ['cancel', 'POST', '/cancel'],
      ['reopen', 'POST', '/reopen'],
    ])(
      "answers 404 task_not_found to A on %s of B's task under A's routes",
      async (_what, method, suffix) => {
        const before = await readTask(b.propertyId, b.token, bTaskId);

        const res = await api.request(method, `${tasksOf(a.propertyId)}/${bTaskId}${suffix}`, {
          token: a.token,
          body:
            method === 'PATCH'
              ? { version: 1, notes: 'A' }
              : suffix === '/assign'
                ? { userId: a.userId }
                : undefined,
        });

        expectProblem(res, 404, 'task_not_found');
        expect(await readTask(b.propertyId, b.token, bTaskId)).toEqual(before);
        expect(before).toMatchObject({ status: 'pending', version: 1, notes: 'B only' });
      },
    );

    it('never lists another property’s tasks', async () => {
      const items = await listAll(a.propertyId, a.token);

      expect(items.length).toBeGreaterThan(0);
      expect(items.map((t) => t.id)).not.toContain(bTaskId);
    });
  });

  describe('guest merge', () => {
    it('moves the merged guest’s tasks to the surviving guest', async () => {
      const source = await createGuest(a, `Source${unique()}`);
      const target = await createGuest(a, `Target${unique()}`);
      const task = await createTask(a.propertyId, a.token, { guestId: source.id });

      const merged = await api.request(
        'POST',
        `/api/v1/properties/${a.propertyId}/guests/${target.id}/merge`,
        {
          token: a.token,
          body: { sourceGuestId: source.id },
        },
      );

      expect(merged.status).toBe(200);
      expect((await readTask(a.propertyId, a.token, task.id)).guestId).toBe(target.id);
    });
  });

  describe('side effects', () => {
    let task: Task;

    beforeAll(async () => {
      task = await createTask(a.propertyId, a.token, { assigneeId: a.userId });
      await actOk(a.propertyId, a.token, task.id, 'complete');
    });

    it.each(['task.create', 'task.complete'])('writes a %s audit entry naming the task', async (action) => {
      const res = await api.request<{
        items: { action: string; resourceType: string; resourceId: string }[];
      }>('GET', `/api/v1/properties/${a.propertyId}/audit-log?action=${action}&limit=200`, {
        token: a.token,
      });

      expect(res.status).toBe(200);
      expect(res.body.items.filter((e) => e.resourceId === task.id)).toEqual([
        expect.objectContaining({ action, resourceType: 'task', resourceId: task.id }),
      ]);
    });

    it('enqueues task.completed in the outbox of the task’s property; task.created, which only the live stream follows, takes none', async () => {
      const db = pool(api.db.appUrl, { max: 1 });
      const client = await db.connect();
      let rows: { type: string; property_id: string }[];
      try {
        await client.query('begin');
        await client.query(`select set_config('app.property_id', $1, true)`, [a.propertyId]);
        ({ rows } = await client.query<{ type: string; property_id: string }>(
          `select payload->>'type' as type, property_id from platform.outbox
            where payload->>'type' in ('task.created', 'task.completed') and payload->'data'->>'taskId' = $1
            order by payload->>'type'`,
          [task.id],
        ));
        await client.query('commit');
      } finally {
        client.release();
        await db.end();
      }

      // task.completed has a subscriber that works in the property (the concierge's notice); the
      // live stream's events are delivered right after their transaction commits, without a row.
      expect(rows).toEqual([{ type: 'task.completed', property_id: a.propertyId }]);
    });
  });
});
