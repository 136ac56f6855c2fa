import { type Stay } from '@app/reservation';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import { INTENT_IDS, type IntentId, INTENTS, type Item, ITEMS, type Priority } from '../intent-taxonomy';

/** The only tools the model is offered; anything else it names is refused. */
export const TOOL_NAMES = [
  'search_knowledge',
  'get_reservation',
  'create_task',
  'escalate_to_staff',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** Requests the model may turn into a task (the policy still decides whether and how). */
export const TASK_INTENTS = INTENT_IDS.filter((id) => INTENTS[id].category === 'request');

export const ESCALATION_REASONS = [
  'human_request',
  'restricted_topic',
  'no_knowledge',
  'complaint',
  'emergency',
  'other',
] as const;
export type ToolEscalationReason = (typeof ESCALATION_REASONS)[number];

/** The JSON schemas of the tools' arguments, as offered to the model and as checked. */
const SCHEMAS: Record<ToolName, { description: string; parameters: Record<string, unknown> }> = {
  search_knowledge: {
    description:
      "Searches the hotel's guest-facing knowledge (facilities, times, policies, services, directions). " +
      'Use it before answering any question about the hotel; answer only from what it returns.',
    parameters: {
      type: 'object',
      properties: {
        query: {
          type: 'string',
          minLength: 2,
          maxLength: 300,
          description: 'What to look up, in a few words.',
        },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  get_reservation: {
    description:
      "Returns the reservation of the guest you are talking to (the current stay, else the next one). It never returns another guest's reservation.",
    parameters: {
      type: 'object',
      properties: {
        confirmation_number: {
          type: 'string',
          maxLength: 40,
          description: 'Only if the guest named one; it must be one of their own.',
        },
      },
      additionalProperties: false,
    },
  },
  create_task: {
    description:
      'Asks a hotel department to do something for the guest (bring items, fix something, book, arrange). ' +
      "The room is the guest's own; staff confirm anything that needs it.",
    parameters: {
      type: 'object',
      properties: {
        intent: { type: 'string', enum: TASK_INTENTS, description: 'The kind of request.' },
        items: {
          type: 'array',
          maxItems: 10,
          items: {
            type: 'object',
            properties: {
              item: { type: 'string', enum: [...ITEMS] },
              quantity: { type: 'integer', minimum: 1, maximum: 20 },
            },
            required: ['item', 'quantity'],
            additionalProperties: false,
          },
        },
        time: {
          type: 'string',
          pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
          description: 'When the guest wants it, HH:MM (24 h), if they said.',
        },
        room: { type: 'string', maxLength: 10, description: "The guest's room number, if they wrote one." },
        details: { type: 'string', maxLength: 300 },
        confidence: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description: 'How sure you are that this is what the guest asks for (0 to 1).',
        },
      },
      required: ['intent', 'confidence'],
      additionalProperties: false,
    },
  },
  escalate_to_staff: {
    description:
      'Hands the conversation to hotel staff: when the guest asks for a person, for money matters (refunds, ' +
      'charges, payments, cancellations), complaints, legal or medical topics, emergencies, or when the knowledge ' +
      'has no answer.',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', enum: [...ESCALATION_REASONS] },
        priority: { type: 'string', enum: ['urgent', 'high', 'standard', 'low'] },
        summary: { type: 'string', maxLength: 300, description: 'One sentence for staff.' },
      },
      required: ['reason', 'priority'],
      additionalProperties: false,
    },
  },
};

/** The tools in the chat completions request's shape. */
export const TOOL_DEFINITIONS = TOOL_NAMES.map((name) => ({
  type: 'function' as const,
  function: { name, description: SCHEMAS[name].description, parameters: SCHEMAS[name].parameters },
}));

export interface TaskProposal {
  intent: IntentId;
  items: { item: Item; quantity: number }[];
  time: string | null;
  details: string | null;
  confidence: number;
}

export interface EscalationProposal {
  reason: ToolEscalationReason;
  priority: Priority;
  summary: string | null;
}

export interface ToolCallRecord {
  name: string;
  input: unknown;
  output: unknown;
  status: 'completed' | 'failed' | 'refused';
  error: string | null;
  latencyMs: number;
}

/** What the tools reach, already bound to the guest's property and to the guest. */
export interface ToolScope {
  /** Guest-visible passages for a query (the property's knowledge only). */
  searchKnowledge(query: string): Promise<{ title: string; content: string; score: number }[]>;
  /** The guest's own stays: current and next. */
  stays(): Promise<{ current: Stay | null; next: Stay | null }>;
}

export interface ToolResult {
  /** What the model is told (JSON). */
  output: unknown;
  status: ToolCallRecord['status'];
  error: string | null;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const VALIDATORS = Object.fromEntries(
  TOOL_NAMES.map((name) => [name, ajv.compile(SCHEMAS[name].parameters)]),
) as Record<ToolName, ValidateFunction>;

const describe = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`).join('; ');

/**
 * Runs the model's tool calls for one guest message, each checked against its JSON schema and
 * executed only within the guest's property and the guest's own data. Side effects are not done
 * here: a task or a hand-over is kept as a proposal that the concierge's policy decides on, so a
 * retried message can never create twice, and the model can never act beyond the policy.
 */
export class ConciergeToolbox {
  readonly calls: ToolCallRecord[] = [];
  task: TaskProposal | null = null;
  escalation: EscalationProposal | null = null;
  /** Knowledge or reservation data the model was given (its answer may rest on it). */
  grounded = false;

  constructor(private readonly scope: ToolScope) {}

  async execute(name: string, rawArguments: string): Promise<ToolResult> {
    const started = performance.now();
    let input: unknown = rawArguments;
    let result: ToolResult;
    try {
      if (!(TOOL_NAMES as readonly string[]).includes(name)) result = refuse(`there is no tool "${name}"`);
      else {
        input = JSON.parse(rawArguments || '{}') as unknown;
        const validate = VALIDATORS[name as ToolName];
        result = validate(input)
          ? await this.run(name as ToolName, input as Record<string, unknown>)
          : fail(`invalid arguments: ${describe(validate.errors)}`);
      }
    } catch (err) {
      result = fail(
        err instanceof SyntaxError
          ? 'the arguments are not valid JSON'
          : `the tool failed: ${(err as Error).message}`,
      );
    }
    this.calls.push({ name, input, ...result, latencyMs: performance.now() - started });
    return result;
  }

  private async run(name: ToolName, args: Record<string, unknown>): Promise<ToolResult> {
    switch (name) {
      case 'search_knowledge': {
        const passages = await this.scope.searchKnowledge(String(args.query));
        if (passages.length > 0) this.grounded = true;
        return done({ passages, found: passages.length });
      }
      case 'get_reservation': {
        const { current, next } = await this.scope.stays();
        const own = [current, next].filter((s): s is Stay => s !== null);
        const asked = typeof args.confirmation_number === 'string' ? args.confirmation_number.trim() : '';
        if (asked && !own.some((s) => s.confirmationNumber.toLowerCase() === asked.toLowerCase()))
          return refuse(
            "that confirmation number is not one of this guest's reservations; only the guest's own can be read",
          );
        const stay =
          own.find((s) => !asked || s.confirmationNumber.toLowerCase() === asked.toLowerCase()) ?? null;
        if (stay) this.grounded = true;
        return done(
          stay
            ? {
                confirmation_number: stay.confirmationNumber,
                status: stay.status,
                arrival: stay.arrivalDate,
                departure: stay.departureDate,
                room_type: stay.roomType,
                room: stay.roomNumber,
              }
            : { reservation: null, note: 'The guest is not matched to a current or upcoming reservation.' },
        );
      }
      case 'create_task': {
        const { current } = await this.scope.stays();
        const room = typeof args.room === 'string' ? args.room.trim() : '';
        if (room && current?.roomNumber && room.toLowerCase() !== current.roomNumber.toLowerCase())
          return refuse(`tasks go to the guest's own room (${current.roomNumber}), not room ${room}`);
        if (this.task) return refuse('one task per message: it was already proposed');
        this.task = {
          intent: args.intent as IntentId,
          items: (args.items as TaskProposal['items'] | undefined) ?? [],
          time: (args.time as string | undefined) ?? null,
          details: (args.details as string | undefined) ?? null,
          confidence: Number(args.confidence),
        };
        return done({
          status: 'accepted',
          note: 'Staff will take care of it; tell the guest it has been passed on.',
        });
      }
      case 'escalate_to_staff': {
        const next: EscalationProposal = {
          reason: args.reason as ToolEscalationReason,
          priority: args.priority as Priority,
          summary: (args.summary as string | undefined) ?? null,
        };
        // A second hand-over never lowers the first: an emergency stays one.
        if (!this.escalation || outranks(next, this.escalation)) this.escalation = next;
        return done({
          status: 'accepted',
          note: 'A member of staff will reply; tell the guest so, briefly.',
        });
      }
    }
  }
}

const RANK: Record<Priority, number> = { low: 0, standard: 1, high: 2, urgent: 3 };
const outranks = (a: EscalationProposal, b: EscalationProposal) =>
  (a.reason === 'emergency' && b.reason !== 'emergency') ||
  (b.reason !== 'emergency' && RANK[a.priority] > RANK[b.priority]);

const done = (output: unknown): ToolResult => ({ output, status: 'completed', error: null });
const fail = (error: string): ToolResult => ({ output: { error }, status: 'failed', error });
const refuse = (error: string): ToolResult => ({ output: { error }, status: 'refused', error });
