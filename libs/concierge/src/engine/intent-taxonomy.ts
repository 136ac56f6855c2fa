/**
 * The concierge's hospitality intent taxonomy. Every guest message is classified into exactly one
 * of these intents; the definition tells the policy who handles it and how carefully:
 *
 * - `department`: the hotel department a task or an escalation goes to.
 * - `requiresAction`: staff must do something (a task), not only answer.
 * - `requiresIdentity`: acting needs the guest matched to a current reservation (a room to go to,
 *   a stay to change).
 * - `restricted`: money, cancellations, complaints, legal and medical topics are never handled by
 *   the AI alone; they always reach staff.
 * - `action`: the autonomy setting of the policy that governs acting on it.
 * - `dueMinutes`: how soon a task created from it is due (from the guest's requested time when given).
 */
export type Department =
  | 'housekeeping'
  | 'maintenance'
  | 'front_desk'
  | 'room_service'
  | 'concierge'
  | 'security'
  | 'guest_relations'
  | 'reservations'
  | 'billing'
  | 'management';

export type IntentCategory = 'request' | 'inquiry' | 'feedback' | 'social' | 'safety' | 'meta';
export type Priority = 'urgent' | 'high' | 'standard' | 'low';
export type ActionType = 'reply' | 'create_task' | 'room_change' | 'late_checkout' | 'compensation';

export interface IntentDefinition {
  category: IntentCategory;
  department: Department;
  requiresAction: boolean;
  requiresIdentity: boolean;
  priority: Priority;
  restricted: boolean;
  action: ActionType;
  dueMinutes?: number;
  description: string;
}

const request = (
  department: Department,
  dueMinutes: number,
  description: string,
  extra: Partial<IntentDefinition> = {},
): IntentDefinition => ({
  category: 'request',
  department,
  requiresAction: true,
  requiresIdentity: true,
  priority: 'standard',
  restricted: false,
  action: 'create_task',
  dueMinutes,
  description,
  ...extra,
});

const inquiry = (description: string, extra: Partial<IntentDefinition> = {}): IntentDefinition => ({
  category: 'inquiry',
  department: 'front_desk',
  requiresAction: false,
  requiresIdentity: false,
  priority: 'standard',
  restricted: false,
  action: 'reply',
  description,
  ...extra,
});

const restricted = (
  category: IntentCategory,
  department: Department,
  priority: Priority,
  description: string,
  extra: Partial<IntentDefinition> = {},
): IntentDefinition => ({
  category,
  department,
  requiresAction: true,
  requiresIdentity: false,
  priority,
  restricted: true,
  action: 'reply',
  description,
  ...extra,
});

const social = (description: string): IntentDefinition => ({
  category: 'social',
  department: 'front_desk',
  requiresAction: false,
  requiresIdentity: false,
  priority: 'low',
  restricted: false,
  action: 'reply',
  description,
});

export const INTENTS = {
  // Requests: something is brought, fixed, booked or changed.
  'request.towels': request('housekeeping', 20, 'Fresh, extra or replacement towels or bathrobes.'),
  'request.cleaning': request(
    'housekeeping',
    60,
    'Clean or tidy the room, change the sheets, take out the rubbish.',
  ),
  'request.amenities': request(
    'housekeeping',
    20,
    'Bring in-room items: pillows, blankets, toiletries, toothbrush, hangers, iron, hair dryer, crib, extra bed, adapters, water.',
  ),
  'request.laundry': request('housekeeping', 120, 'Laundry, dry cleaning or pressing of clothes.'),
  'request.do_not_disturb': request(
    'housekeeping',
    5,
    'No housekeeping or visits: do not disturb, skip the cleaning today.',
    {
      priority: 'low',
    },
  ),
  'request.maintenance': request(
    'maintenance',
    30,
    'Something in the room is broken or not working: air conditioning, heating, shower, toilet, leak, lights, TV, safe, key card, door.',
    { priority: 'high' },
  ),
  'request.wifi_problem': request('maintenance', 30, 'The wifi/internet does not connect or is too slow.', {
    priority: 'high',
  }),
  'request.room_service': request('room_service', 30, 'Order food or drinks to the room.'),
  'request.concierge': request(
    'concierge',
    60,
    'Book or arrange something outside the room: restaurant table, tickets, tours, spa appointment, flowers.',
  ),
  'request.transport': request('concierge', 30, 'Arrange a taxi, car, shuttle or airport transfer.'),
  'request.special_occasion': request(
    'concierge',
    240,
    'Prepare a birthday, anniversary, honeymoon or proposal surprise: cake, champagne, decoration.',
  ),
  'request.wake_up': request('front_desk', 5, 'A wake-up call at a given time.'),
  'request.luggage': request(
    'front_desk',
    15,
    'Help with luggage: carry bags, store them before or after the stay.',
  ),
  'request.room_change': request('front_desk', 30, 'Move to another room.', { action: 'room_change' }),
  'request.late_checkout': request('front_desk', 60, 'Leave the room later than the check-out time.', {
    action: 'late_checkout',
  }),
  'request.early_checkin': request('front_desk', 60, 'Get the room earlier than the check-in time.'),
  'request.receipt': request('front_desk', 60, 'Send or print an invoice, receipt or folio.', {
    priority: 'low',
  }),
  'request.lost_and_found': request(
    'front_desk',
    120,
    'Something was lost or left behind; or something was found.',
    {
      requiresIdentity: false,
    },
  ),
  'request.security': request(
    'security',
    10,
    'A safety concern that is not an emergency: suspicious person, locked out, stolen item.',
    {
      priority: 'high',
      requiresIdentity: false,
    },
  ),
  'request.noise': request(
    'security',
    10,
    'Noise from another room, the street or works is disturbing the guest.',
    {
      priority: 'high',
    },
  ),
  'request.reservation_change': request(
    'reservations',
    120,
    'Change the stay: dates, number of guests, room type, add a night.',
  ),
  'request.reservation_cancel': restricted(
    'request',
    'reservations',
    'high',
    'Cancel a booking or ask about cancelling (including the cancellation policy).',
    { requiresIdentity: true },
  ),

  // Inquiries: answered from the hotel's knowledge or the guest's reservation.
  'inquiry.check_in_out': inquiry('Check-in or check-out times and procedure.'),
  'inquiry.wifi': inquiry('The wifi network name or password, how to connect.'),
  'inquiry.amenities': inquiry(
    'Pool, gym, spa, business centre, facilities: what there is, where, opening hours.',
  ),
  'inquiry.dining': inquiry('Restaurant, bar and breakfast: hours, menu, where, reservations policy.'),
  'inquiry.location': inquiry(
    'Address, directions, what is nearby: attractions, shops, pharmacies, beaches.',
  ),
  'inquiry.parking': inquiry('Parking: whether there is any, where, price, valet, EV charging.'),
  'inquiry.accessibility': inquiry('Wheelchair access, lifts, accessible rooms, hearing or visual aids.'),
  'inquiry.pets': inquiry('Whether pets are allowed and on what terms.'),
  'inquiry.transport': inquiry(
    'How to get to or from the airport, station or city: shuttle, public transport, taxi fares.',
  ),
  'inquiry.policies': inquiry(
    'House rules: smoking, children, visitors, quiet hours, minimum age, luggage storage.',
  ),
  'inquiry.reservation_status': inquiry(
    'The guest’s own booking: dates, room, number of guests, confirmation.',
    {
      requiresIdentity: true,
    },
  ),
  'inquiry.billing': restricted(
    'inquiry',
    'billing',
    'standard',
    'The guest’s bill, charges, deposit, payment methods or paying.',
    { requiresAction: false },
  ),

  // Money, complaints and protected topics: always staff.
  'billing.dispute': restricted(
    'request',
    'billing',
    'high',
    'A wrong or unexpected charge, double charge, overcharge.',
  ),
  'billing.refund': restricted(
    'request',
    'billing',
    'high',
    'A refund, discount, voucher or other compensation.',
    {
      action: 'compensation',
    },
  ),
  'feedback.complaint': restricted(
    'feedback',
    'guest_relations',
    'high',
    'Dissatisfaction with the stay or service.',
  ),
  legal: restricted(
    'request',
    'management',
    'high',
    'Lawyers, lawsuits, police reports, data-protection or privacy demands.',
  ),
  medical: restricted(
    'safety',
    'front_desk',
    'high',
    'A health need that is not an emergency: doctor, medicine, pharmacy, feeling unwell.',
  ),

  // Feedback and small talk.
  'feedback.compliment': {
    ...social('Praise for the stay, the staff or the service.'),
    category: 'feedback',
    department: 'guest_relations',
  },
  'social.greeting': social('Hello, good morning.'),
  'social.thanks': social('Thank you.'),
  'social.farewell': social('Goodbye, see you.'),

  // Safety and hand-over.
  emergency: {
    category: 'safety',
    department: 'security',
    requiresAction: true,
    requiresIdentity: false,
    priority: 'urgent',
    restricted: true,
    action: 'reply',
    dueMinutes: 0,
    description: 'Fire, smoke, gas, flooding, a medical emergency, violence or someone in danger.',
  },
  human_request: {
    category: 'meta',
    department: 'front_desk',
    requiresAction: true,
    requiresIdentity: false,
    priority: 'high',
    restricted: false,
    action: 'reply',
    description: 'The guest asks to talk to a person.',
  },
  unknown: {
    category: 'meta',
    department: 'front_desk',
    requiresAction: false,
    requiresIdentity: false,
    priority: 'standard',
    restricted: false,
    action: 'reply',
    description: 'Anything else, or unclear.',
  },
} as const satisfies Record<string, IntentDefinition>;

export type IntentId = keyof typeof INTENTS;
export const INTENT_IDS = Object.keys(INTENTS) as IntentId[];

export const isIntentId = (value: unknown): value is IntentId =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(INTENTS, value);

export const intentOf = (id: IntentId): IntentDefinition => INTENTS[id];

/**
 * Canonical in-room items named in requests ("two more towels" → `towel` × 2). Extraction maps
 * every language's words to these names, so tasks and analytics read the same in any language.
 */
export const ITEMS = [
  'towel',
  'bath_towel',
  'hand_towel',
  'beach_towel',
  'bathrobe',
  'slippers',
  'pillow',
  'blanket',
  'sheets',
  'toilet_paper',
  'toothbrush',
  'toothpaste',
  'shampoo',
  'conditioner',
  'soap',
  'shower_gel',
  'razor',
  'hair_dryer',
  'iron',
  'hangers',
  'crib',
  'extra_bed',
  'adapter',
  'charger',
  'umbrella',
  'water',
  'coffee',
  'tea',
  'ice',
  'glasses',
  'cutlery',
] as const;
export type Item = (typeof ITEMS)[number];
