/**
 * What the bench's guests write and what the hotel knows: questions the knowledge answers,
 * requests staff act on (from guests staying in the hotel), greetings and thanks, and a few that
 * go to staff (a person, a bill, a late check-out, an emergency), in six languages.
 */

export type Kind = 'question' | 'request' | 'social' | 'staff';

export interface GuestText {
  kind: Kind;
  language: 'en' | 'es' | 'fr' | 'de' | 'it' | 'pt';
  text: string;
}

/** Roughly 45% questions, 30% requests, 18% social, 7% for staff. */
export const GUEST_TEXTS: GuestText[] = [
  // Questions the knowledge answers.
  { kind: 'question', language: 'en', text: "Hi, what's the wifi password?" },
  { kind: 'question', language: 'en', text: 'What time is breakfast served?' },
  { kind: 'question', language: 'en', text: 'What time is check-out tomorrow?' },
  { kind: 'question', language: 'en', text: 'Is there parking at the hotel and how much is it per night?' },
  { kind: 'question', language: 'en', text: 'Are dogs allowed? We would like to bring our small dog.' },
  { kind: 'question', language: 'en', text: 'How do I get to the airport from the hotel?' },
  { kind: 'question', language: 'en', text: 'Until what time is the pool open?' },
  { kind: 'question', language: 'en', text: 'Is the gym open early in the morning?' },
  { kind: 'question', language: 'en', text: 'Is there a pharmacy nearby?' },
  { kind: 'question', language: 'en', text: 'When does the restaurant open for dinner?' },
  { kind: 'question', language: 'es', text: '¿Cuál es la contraseña del wifi?' },
  { kind: 'question', language: 'es', text: '¿A qué hora es el desayuno?' },
  { kind: 'question', language: 'es', text: '¿Tienen aparcamiento en el hotel?' },
  { kind: 'question', language: 'fr', text: 'Bonjour, quel est le mot de passe du wifi ?' },
  { kind: 'question', language: 'fr', text: 'À quelle heure est servi le petit-déjeuner ?' },
  { kind: 'question', language: 'fr', text: 'À quelle heure faut-il libérer la chambre ?' },
  { kind: 'question', language: 'de', text: 'Wie lautet das WLAN-Passwort?' },
  { kind: 'question', language: 'de', text: 'Wann gibt es Frühstück?' },
  { kind: 'question', language: 'de', text: 'Gibt es einen Parkplatz am Hotel?' },
  { kind: 'question', language: 'it', text: 'Qual è la password del wifi?' },
  { kind: 'question', language: 'it', text: 'A che ora è la colazione?' },
  { kind: 'question', language: 'it', text: 'Fino a che ora è aperta la piscina?' },
  { kind: 'question', language: 'pt', text: 'Qual é a senha do wifi?' },
  { kind: 'question', language: 'pt', text: 'A que horas é o pequeno-almoço?' },
  { kind: 'question', language: 'pt', text: 'O hotel tem estacionamento?' },
  // Requests: a task for housekeeping, maintenance, the concierge or the front desk.
  { kind: 'request', language: 'en', text: 'Hi! Could we get two more towels please?' },
  { kind: 'request', language: 'en', text: 'Can someone bring an extra pillow and a blanket to our room?' },
  { kind: 'request', language: 'en', text: 'The air conditioning in our room is not working.' },
  { kind: 'request', language: 'en', text: 'Could you please clean our room this afternoon?' },
  { kind: 'request', language: 'en', text: 'Could you book us a taxi to the airport tomorrow at 7am?' },
  { kind: 'request', language: 'en', text: 'A wake-up call at 6:30 tomorrow please.' },
  { kind: 'request', language: 'en', text: 'Can we have two bottles of water sent up to the room?' },
  { kind: 'request', language: 'en', text: 'Can we leave our luggage somewhere after check-out?' },
  { kind: 'request', language: 'es', text: '¿Nos pueden traer dos toallas más, por favor?' },
  { kind: 'request', language: 'es', text: 'La ducha no tiene agua caliente.' },
  { kind: 'request', language: 'fr', text: 'Pourriez-vous nous apporter des serviettes supplémentaires ?' },
  { kind: 'request', language: 'fr', text: 'Pouvez-vous nous réserver un taxi pour 8h demain ?' },
  { kind: 'request', language: 'de', text: 'Könnten Sie uns bitte zwei zusätzliche Handtücher bringen?' },
  { kind: 'request', language: 'de', text: 'Die Heizung in unserem Zimmer funktioniert nicht.' },
  { kind: 'request', language: 'it', text: 'Potete portarci degli asciugamani puliti?' },
  { kind: 'request', language: 'it', text: 'Il televisore in camera non funziona.' },
  { kind: 'request', language: 'pt', text: 'Podem trazer mais toalhas para o quarto, por favor?' },
  { kind: 'request', language: 'pt', text: 'O ar condicionado do quarto não funciona.' },
  // Greetings, thanks, goodbyes, praise.
  { kind: 'social', language: 'en', text: 'Hello!' },
  { kind: 'social', language: 'en', text: 'Good morning' },
  { kind: 'social', language: 'en', text: 'Thanks a lot!' },
  { kind: 'social', language: 'en', text: 'Thank you, the room is lovely and the staff are wonderful.' },
  { kind: 'social', language: 'en', text: 'Bye, see you next year!' },
  { kind: 'social', language: 'es', text: '¡Muchas gracias!' },
  { kind: 'social', language: 'fr', text: 'Merci beaucoup !' },
  { kind: 'social', language: 'de', text: 'Vielen Dank!' },
  { kind: 'social', language: 'it', text: 'Grazie mille!' },
  { kind: 'social', language: 'pt', text: 'Bom dia!' },
  // For staff: a person, money, an approval, an emergency.
  { kind: 'staff', language: 'en', text: 'Can I speak to a real person please?' },
  { kind: 'staff', language: 'en', text: 'I was charged twice for the minibar, please check my bill.' },
  { kind: 'staff', language: 'en', text: 'Could we have a late checkout at 2pm tomorrow?' },
  { kind: 'staff', language: 'en', text: 'There is smoke coming from the room next door!' },
];

/** The hotel's knowledge (English, guest-visible), created through the knowledge API. */
export const KNOWLEDGE = [
  {
    category: 'amenity',
    title: 'Wifi',
    content:
      'The wifi network is "Harbour-Guest" and the password is seabreeze2026. It is free in all rooms and public areas.',
    keywords: ['wifi', 'internet', 'password'],
  },
  {
    category: 'dining',
    title: 'Breakfast',
    content:
      'Breakfast is served from 07:00 to 10:30 in the Atrium on the ground floor, and until 11:00 at weekends.',
    keywords: ['breakfast'],
  },
  {
    category: 'dining',
    title: 'Restaurant and bar',
    content:
      'The Atrium restaurant serves lunch from 12:30 to 15:00 and dinner from 19:00 to 22:30. The terrace bar is open until midnight.',
    keywords: ['restaurant', 'dinner', 'lunch', 'bar'],
  },
  {
    category: 'policy',
    title: 'Check-in and check-out',
    content:
      'Check-in is from 15:00 and check-out is until 11:00. Early check-in and late check-out depend on availability.',
    keywords: ['check-in', 'check-out', 'arrival', 'departure'],
  },
  {
    category: 'amenity',
    title: 'Pool and spa',
    content:
      'The rooftop pool is open daily from 08:00 to 20:00. The spa and sauna on level -1 are open from 10:00 to 21:00; treatments by appointment.',
    keywords: ['pool', 'spa', 'sauna'],
  },
  {
    category: 'amenity',
    title: 'Gym',
    content: 'The fitness room on level 1 is open 24 hours a day with your room key.',
    keywords: ['gym', 'fitness'],
  },
  {
    category: 'service',
    title: 'Parking',
    content:
      'Our underground garage has 40 spaces at 25 EUR per night, valet included. Two electric car chargers are free for guests.',
    keywords: ['parking', 'garage', 'car'],
  },
  {
    category: 'policy',
    title: 'Pets',
    content: 'Dogs and cats up to 15 kg are welcome for 20 EUR per night. Please tell us before you arrive.',
    keywords: ['pets', 'dogs', 'cats'],
  },
  {
    category: 'local_info',
    title: 'Getting to the airport',
    content:
      'The airport is 25 minutes away by taxi (about 30 EUR). The metro red line from Oriente station takes 35 minutes. We can book a private transfer for 45 EUR.',
    keywords: ['airport', 'taxi', 'metro', 'transfer'],
  },
  {
    category: 'local_info',
    title: 'Location and nearby',
    content:
      'The hotel is at Rua do Porto 12 in the old town, five minutes on foot from the river. The nearest pharmacy is on the corner of Rua Augusta, open until 22:00.',
    keywords: ['address', 'location', 'pharmacy', 'nearby'],
  },
  {
    category: 'policy',
    title: 'House rules',
    content:
      'All rooms are non-smoking. Children of all ages are welcome and cots are free. Quiet hours are from 23:00 to 07:00.',
    keywords: ['smoking', 'children', 'quiet hours'],
  },
  {
    category: 'service',
    title: 'Luggage storage',
    content: 'The front desk stores luggage free of charge before check-in and after check-out.',
    keywords: ['luggage', 'bags', 'storage'],
  },
];
