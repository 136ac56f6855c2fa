import { type Item } from '../intent-taxonomy';
import { extractDate } from './entity-dates';
import { extractItems } from './entity-items';
import { entityLanguage } from './entity-lexicon';
import { maskDurations, maskNoise } from './entity-noise';
import { extractPeople } from './entity-people';
import { extractBareRoom, extractExplicitRoom } from './entity-rooms';
import { EntityText } from './entity-text';
import { extractTime } from './entity-times';

export interface Entities {
  /** The guest's room number: digits and an optional upper-case letter ("204", "12B"). */
  room?: string;
  /** Canonical in-room items with quantities, in order of first mention. */
  items?: { item: Item; quantity: number }[];
  /** HH:MM, 24-hour clock. */
  time?: string;
  /** YYYY-MM-DD, resolved against the hotel's local date. */
  date?: string;
  /** Number of people. */
  people?: number;
}

/**
 * Extracts room, items, time, date and people from a guest message in English, Spanish, French,
 * German, Italian or Portuguese, deterministically and offline. `language` is a hint ("es", "pt-BR"):
 * every language's words are accepted (guests mix them); the hint only enables a few words that would
 * be misread in other languages (French "thé" written "the", Spanish/Italian "te", English "robe")
 * and the German reading of a spaced "am". `today` is the hotel's local date (YYYY-MM-DD); dates
 * are resolved against it (an invalid `today` gives no date).
 *
 * Passes run in a fixed order on one working text, each masking what it understood so a number is
 * read once: noise (phones, codes, prices, measures, floors) → room after a room word → date → time
 * → hour durations → people → items → bare room number. The rules of each pass are documented in
 * its module (entity-rooms, entity-dates, entity-times, entity-people, entity-items).
 */
export function extractEntities(text: string, language: string, today: string): Entities {
  const hint = entityLanguage(language);
  const working = new EntityText(text);
  maskNoise(working);
  const explicitRoom = extractExplicitRoom(working, hint);
  const date = extractDate(working, today, hint);
  const time = extractTime(working, hint);
  maskDurations(working);
  const people = extractPeople(working);
  const items = extractItems(working, hint);
  const room = explicitRoom ?? extractBareRoom(working);

  const entities: Entities = {};
  if (room !== undefined) entities.room = room;
  if (items.length > 0) entities.items = items;
  if (time !== undefined) entities.time = time;
  if (date !== undefined) entities.date = date;
  if (people !== undefined) entities.people = people;
  return entities;
}
