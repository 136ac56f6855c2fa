import { INTENT_IDS, type IntentId } from '../intent-taxonomy';
import { classifyIntent } from './intent-classifier';
import { CUES, LEXICONS } from './intent-lexicon';
import { PrefixMatcher } from './prefix-matcher';
import { normalize } from './text';

/** A guest message, the intent it should get and, when not the table's, its language. */
type Case = [text: string, intent: IntentId, language?: string];

const ENGLISH: Case[] = [
  ['hey can i get some extra towels sent up to 412', 'request.towels'],
  ['there are no towels in the bathroom', 'request.towels'],
  ['please clean our room while we are at breakfast', 'request.cleaning'],
  ['can housekeeping change the sheets', 'request.cleaning'],
  ['could you bring up a hair dryer', 'request.amenities'],
  ['we need a baby cot for our son', 'request.amenities'],
  ['Can I get my suit dry cleaned by tomorrow?', 'request.laundry'],
  ['please do not disturb until noon', 'request.do_not_disturb'],
  ['toilet won’t flush', 'request.maintenance'],
  ['our key card stopped working', 'request.maintenance'],
  ['internet is super slow in room 210', 'request.wifi_problem'],
  ["I'd like to order a club sandwich and two beers to room 305", 'request.room_service'],
  ['Could you book a table for 4 at an Italian restaurant tonight?', 'request.concierge'],
  ['I need a taxi to the airport at 5am tomorrow', 'request.transport'],
  ["It's my wife's birthday tomorrow, could you put a cake in the room?", 'request.special_occasion'],
  ['Can you wake me up tomorrow at 7?', 'request.wake_up'],
  ['can we leave our bags with you after check out?', 'request.luggage'],
  ['The room next door is so noisy we can’t sleep', 'request.noise'],
  ['Can we switch to a quieter room?', 'request.room_change'],
  ['Our flight is at 10pm, could we keep the room until 4pm?', 'request.late_checkout'],
  ['we arrive at 9am, can we check in early?', 'request.early_checkin'],
  ['please send me an invoice with my company details', 'request.receipt'],
  ['I think I left my phone charger in the room', 'request.lost_and_found'],
  ['my laptop was stolen from the room', 'request.security'],
  ['We want to add one more night to our booking', 'request.reservation_change'],
  ['please cancel my booking for next week', 'request.reservation_cancel'],
  ['what time can we check in?', 'inquiry.check_in_out'],
  ['how do I connect to the internet?', 'inquiry.wifi'],
  ['Do you have a gym or a spa?', 'inquiry.amenities'],
  ['Is breakfast included in our rate?', 'inquiry.dining'],
  ['any good restaurants nearby?', 'inquiry.location'],
  ['How much is parking per night?', 'inquiry.parking'],
  ['Is there an elevator? my mother can’t climb stairs', 'inquiry.accessibility'],
  ['Are dogs allowed?', 'inquiry.pets'],
  ['Can my friend visit me in my room?', 'inquiry.policies'],
  ['how many nights did I book?', 'inquiry.reservation_status'],
  ['Do you take American Express?', 'inquiry.billing'],
  ['How long does it take to get to the airport by train?', 'inquiry.transport'],
];

const RESTRICTED: Case[] = [
  ["There's a charge on my bill I don't recognize", 'billing.dispute'],
  ['the bill says 3 nights but we only stayed 2', 'billing.dispute'],
  ['I want a refund for the night we couldn’t sleep', 'billing.refund'],
  ['The AC was broken all night, I expect some compensation', 'billing.refund'],
  ['The staff at reception was extremely rude to me', 'feedback.complaint'],
  ['worst hotel ever, never coming back', 'feedback.complaint'],
  ['I will contact my lawyer about this', 'legal'],
  ['please delete all my personal data (GDPR)', 'legal'],
  ['Do you have any painkillers? I have a terrible headache', 'medical'],
  ['my son has a high fever', 'medical'],
];

const SPANISH: Case[] = [
  ['Buenas, ¿me pueden subir toallas limpias a la 305?', 'request.towels'],
  ['Por favor limpien la habitación mientras estamos fuera', 'request.cleaning'],
  ['El inodoro está atascado', 'request.maintenance'],
  ['No puedo conectarme al wifi', 'request.wifi_problem'],
  ['Quisiera una botella de vino tinto a la habitación 508', 'request.room_service'],
  ['Necesito un taxi al aeropuerto a las 6 de la mañana', 'request.transport'],
  ['Hay una fiesta en la habitación de arriba y no podemos dormir', 'request.noise'],
  ['¿Podríamos quedarnos en la habitación hasta las 2?', 'request.late_checkout'],
  ['¿Cuál es la política de cancelación?', 'request.reservation_cancel'],
  ['¿A qué hora es el check in?', 'inquiry.check_in_out'],
  ['¿Se admiten mascotas?', 'inquiry.pets'],
  ['Hay un cargo en mi tarjeta que no reconozco', 'billing.dispute'],
  ['Exijo una compensación por las molestias', 'billing.refund'],
  ['Me encuentro mal, necesito un médico', 'medical'],
];

const FRENCH: Case[] = [
  ['Il faut rendre la chambre avant quelle heure ?', 'inquiry.check_in_out'],
  ['Notre chambre sera disponible plus tôt ? Le train arrive à 10h', 'request.early_checkin'],
  ['Bonsoir, on pourrait avoir des serviettes propres svp ?', 'request.towels'],
  ['Pouvez-vous faire le ménage dans la chambre 204 ?', 'request.cleaning'],
  ['Le chauffage ne fonctionne pas, il fait très froid', 'request.maintenance'],
  ['Impossible de me connecter au wifi', 'request.wifi_problem'],
  ["Pourriez-vous nous appeler un taxi pour l'aéroport demain à 6h ?", 'request.transport'],
  ['Peut-on laisser nos bagages après le check-out ?', 'request.luggage'],
  ['Est-il possible d’avoir un départ tardif ?', 'request.late_checkout'],
  ['Quel est le mot de passe du wifi ?', 'inquiry.wifi'],
  ['À quelle heure est le petit-déjeuner ?', 'inquiry.dining'],
  ["Y a-t-il une pharmacie près de l'hôtel ?", 'inquiry.location'],
  ["J'ai été débité deux fois", 'billing.dispute'],
  ["Je veux faire une réclamation, l'accueil était déplorable", 'feedback.complaint'],
];

const GERMAN: Case[] = [
  ['Haben Sie Zimmer für schwerhörige Gäste?', 'inquiry.accessibility'],
  ['Bitte ein Schnitzel und zwei Radler aufs Zimmer', 'request.room_service'],
  ['Könnten wir bitte frische Handtücher bekommen?', 'request.towels'],
  ['Es sind keine Handtuecher im Bad', 'request.towels'],
  ['Die Klimaanlage funktioniert nicht', 'request.maintenance'],
  ['Das WLAN bricht ständig ab', 'request.wifi_problem'],
  ['Ich möchte Frühstück aufs Zimmer bestellen', 'request.room_service'],
  ['Können Sie unsere Koffer bis 16 Uhr aufbewahren?', 'request.luggage'],
  ['Ist ein später Check-out möglich?', 'request.late_checkout'],
  ['Wir würden gerne eine Nacht länger bleiben', 'request.reservation_change'],
  ['Wie lautet das WLAN-Passwort?', 'inquiry.wifi'],
  ['Gibt es eine Apotheke in der Nähe?', 'inquiry.location'],
  ['Ich verlange eine Rückerstattung', 'billing.refund'],
  ['Ich möchte mit dem Manager sprechen', 'human_request'],
];

const ITALIAN: Case[] = [
  ["La stanza può essere pronta un po' prima?", 'request.early_checkin'],
  ['Salve, potremmo avere degli asciugamani puliti?', 'request.towels'],
  ['Il water è intasato', 'request.maintenance'],
  ['Il wifi è lentissimo', 'request.wifi_problem'],
  ['Vorrei ordinare una pizza in camera', 'request.room_service'],
  ['Potete chiamarmi un taxi?', 'request.transport'],
  ['Vorremmo cambiare camera', 'request.room_change'],
  ['A che ora è il check-out?', 'inquiry.check_in_out'],
  ['C’è il parcheggio?', 'inquiry.parking'],
  ['Mi avete addebitato il minibar ma non ho consumato nulla', 'billing.dispute'],
  ['Sono molto deluso dal servizio', 'feedback.complaint'],
];

const PORTUGUESE: Case[] = [
  ['O quarto pode ficar pronto mais cedo?', 'request.early_checkin'],
  ['Brigadão pela ajuda!', 'social.thanks'],
  ['Sinceramente, muito mau o atendimento.', 'feedback.complaint'],
  ['Oi, podem trazer toalhas limpas pro quarto 305?', 'request.towels'],
  ['O chuveiro não esquenta', 'request.maintenance'],
  ['Não consigo conectar no wifi', 'request.wifi_problem'],
  ['Podem me acordar às 7h?', 'request.wake_up'],
  ['Esqueci meu carregador no quarto', 'request.lost_and_found'],
  ['Fiquei trancado fora do quarto', 'request.security'],
  ['O café da manhã está incluído?', 'inquiry.dining'],
  ['Vocês aceitam pix?', 'inquiry.billing'],
  ['Vou processar o hotel, vou falar com meu advogado', 'legal'],
  ['Estadia maravilhosa, equipe muito atenciosa!', 'feedback.compliment'],
];

/** Same domain, different intent: the question asks, the request or the complaint acts. */
const PAIRS: Case[] = [
  ['what is the wifi password?', 'inquiry.wifi'],
  ["the wifi doesn't work", 'request.wifi_problem'],
  ['when is breakfast?', 'inquiry.dining'],
  ['can I order breakfast to my room', 'request.room_service'],
  ['what time is check-out?', 'inquiry.check_in_out'],
  ['can I check out at 2pm?', 'request.late_checkout'],
  ['How much is a taxi to the airport?', 'inquiry.transport'],
  ['Can you call me a taxi to the airport for 6am?', 'request.transport'],
  ['do you have luggage storage?', 'inquiry.policies'],
  ['could a porter bring our luggage down?', 'request.luggage'],
  ['I lost my room key and can’t get in', 'request.security'],
  ['The room smells of smoke, can we move to another room?', 'request.room_change'],
  ['The room was filthy and I want a refund', 'billing.refund'],
  ["I'm so angry, the room was dirty and the manager was rude, I want my money back", 'billing.refund'],
  ['Is the pool heated?', 'inquiry.amenities'],
  ['can you book me a massage at the spa', 'request.concierge'],
];

const NEGATION: Case[] = [
  ['no need for towels today', 'request.do_not_disturb'],
  ["don't clean the room today please", 'request.do_not_disturb'],
  ['there are no towels', 'request.towels'],
  ["I don't need towels but can you bring 2 pillows", 'request.amenities'],
  ['No hace falta limpiar la habitación hoy', 'request.do_not_disturb', 'es'],
  ['Pas besoin de ménage aujourd’hui', 'request.do_not_disturb', 'fr'],
  ['Wir brauchen heute keine Handtücher', 'request.do_not_disturb', 'de'],
  ['Non servono asciugamani oggi', 'request.do_not_disturb', 'it'],
  ['Não precisamos de toalhas hoje', 'request.do_not_disturb', 'pt'],
  ["It's not an emergency but the toilet is leaking", 'request.maintenance'],
];

const SAFETY: Case[] = [
  ['There is smoke coming from the room next door!', 'emergency'],
  ['My husband is having a heart attack, call an ambulance', 'emergency'],
  ['Help!', 'emergency'],
  ['¡Hay humo en el pasillo!', 'emergency', 'es'],
  ['Au secours, il y a le feu !', 'emergency', 'fr'],
  ['Hilfe! Es brennt!', 'emergency', 'de'],
  ['Sento odore di gas!', 'emergency', 'it'],
  ['Socorro! Tem fumaça no corredor', 'emergency', 'pt'],
  ['The smoke detector keeps beeping', 'request.maintenance'],
  ['Can I smoke in the room?', 'inquiry.policies'],
  ['Hi, the wifi is fine but I want to talk to a real person', 'human_request'],
  ['Quiero hablar con una persona', 'human_request', 'es'],
  ["Je voudrais parler à quelqu'un", 'human_request', 'fr'],
  ['Ich will mit einem Mitarbeiter sprechen', 'human_request', 'de'],
  ['Vorrei parlare con una persona', 'human_request', 'it'],
  ['Quero falar com um atendente humano', 'human_request', 'pt'],
];

const SMALL_TALK: Case[] = [
  ['Good morning!', 'social.greeting'],
  ['Hola buenos días', 'social.greeting', 'es'],
  ['thank u so much', 'social.thanks'],
  ['Vielen Dank!', 'social.thanks', 'de'],
  ['Bye! Thanks for everything', 'social.farewell'],
  ['Arrivederci, buona serata', 'social.farewell', 'it'],
  ['Hi, 2 towels please', 'request.towels'],
  ['Thanks! Also what time does breakfast start?', 'inquiry.dining'],
  ['Thank you so much, the staff were wonderful!', 'feedback.compliment'],
  ['Vielen Dank für den tollen Aufenthalt!', 'feedback.compliment', 'de'],
];

const MIXED_AND_TYPOS: Case[] = [
  ['towl pls', 'request.towels'],
  ['wify pasword?', 'inquiry.wifi'],
  ['wifi password isnt working', 'request.wifi_problem'],
  ['hola, can I get more towels? gracias', 'request.towels'],
  ['Hi, necesito un taxi al aeropuerto', 'request.transport'],
  ['Hello, the wifi ne marche pas', 'request.wifi_problem'],
  ['the aircon is broke', 'request.maintenance'],
];

/** Words that mean something else in another language: every lexicon reads every message. */
const FALSE_FRIENDS: Case[] = [
  ['¿Me traen dos botellas de agua con gas?', 'request.amenities', 'es'],
  ["Je vais porter plainte contre l'hôtel", 'legal', 'fr'],
  ['Morgen fahren wir zum Flughafen, wie weit ist er?', 'inquiry.transport', 'de'],
  ['Ich habe über Booking.com gebucht, wann ist der Check-in?', 'inquiry.check_in_out', 'de'],
  ['Disculpen las molestias, ¿me pueden traer una toalla?', 'request.towels', 'es'],
  ['Vorrei cambiare camera, questa è troppo rumorosa', 'request.room_change', 'it'],
  ['Podemos ter uma cama extra?', 'request.amenities', 'pt'],
];

/**
 * Complaints, disputed charges, refund demands and incidents that name a harmless topic (the car
 * park, room service, breakfast): they go to staff, never to an automatic answer about the topic.
 */
const GRIEVANCES: Case[] = [
  ['The valet scratched my car in your garage and nobody answers', 'feedback.complaint'],
  ['My car has been scratched in your parking, who pays for the damage?', 'feedback.complaint'],
  ['Our car was towed from the hotel car park without any warning', 'feedback.complaint'],
  ['The parking attendant was extremely rude to my wife', 'feedback.complaint'],
  ['Waited over an hour for room service, food was lukewarm', 'feedback.complaint'],
  ['Room service brought the wrong order and it was cold', 'feedback.complaint'],
  ['Dinner at your restaurant was a disaster, we waited two hours', 'feedback.complaint'],
  ['Been calling reception for 30 minutes, no answer', 'feedback.complaint'],
  ['There are two parking charges on my card', 'billing.dispute'],
  ['I was charged for parking but we came by train and have no car', 'billing.dispute'],
  ['I was billed for room service I never ordered', 'billing.dispute'],
  ['We were billed for breakfast every day but we never had breakfast', 'billing.dispute'],
  ['Cancel the parking fee, we never used it', 'billing.refund'],
  ['I want my money back for the parking, the garage was full', 'billing.refund'],
  ['My rental car was broken into overnight in your parking', 'request.security'],
  ['Someone hit my car in the parking lot and drove off', 'request.security'],
  ['My luggage was stolen from the luggage room', 'request.security'],
  ['A stranger found my lost key card and walked into my room', 'request.security'],
  ["My wife's purse was snatched in the lobby", 'request.security'],
  ['There is a man trying to get into my room right now', 'emergency'],
  ['El aparcacoches me ha rayado el coche', 'feedback.complaint', 'es'],
  ['El servicio de habitaciones tardó dos horas y la comida estaba fría', 'feedback.complaint', 'es'],
  ['Nos han cobrado el desayuno y estaba incluido', 'billing.dispute', 'es'],
  ['Me cobraron el parking pero no tengo coche', 'billing.dispute', 'es'],
  ['Exijo la devolución del importe del parking', 'billing.refund', 'es'],
  ["There's a minibar charge on our bill even though we never opened it", 'billing.dispute'],
  ['Could we get a credit for the night the heating was broken?', 'billing.refund'],
  ['Aparece un spa en mi factura pero no fuimos nunca', 'billing.dispute', 'es'],
  ["Je vois 20 € de petit-déjeuner sur ma note alors que c'était compris", 'billing.dispute', 'fr'],
  ['Auf meiner Rechnung steht die Minibar, obwohl wir nichts genommen haben', 'billing.dispute', 'de'],
  ['Bekommen wir eine Gutschrift für den Ausfall der Heizung?', 'billing.refund', 'de'],
  ["Sul conto c'è la colazione ma era inclusa nella tariffa", 'billing.dispute', 'it'],
  ['Na minha conta aparece o estacionamento mas viemos de táxi', 'billing.dispute', 'pt'],
  ['Cobraram o frigobar do quarto duas vezes', 'billing.dispute', 'pt'],
  ['Me rompieron la ventanilla del coche en el garaje', 'request.security', 'es'],
  ['Desapareció dinero de la caja fuerte', 'request.security', 'es'],
  ['Le voiturier a rayé ma voiture', 'feedback.complaint', 'fr'],
  ['Le petit-déjeuner était froid et personne ne nous a servis', 'feedback.complaint', 'fr'],
  ['On nous a fait payer le parking alors qu’il était inclus', 'billing.dispute', 'fr'],
  ["Le parking m'a été facturé 3 fois", 'billing.dispute', 'fr'],
  ["Quelqu'un a forcé ma voiture dans le parking de l'hôtel", 'request.security', 'fr'],
  ['Mon portefeuille a disparu de ma chambre', 'request.security', 'fr'],
  ['Der Parkservice hat mein Auto zerkratzt', 'feedback.complaint', 'de'],
  ['Das Essen vom Zimmerservice kam nach zwei Stunden kalt an, inakzeptabel', 'feedback.complaint', 'de'],
  ['Wir haben eine Stunde auf das Frühstück gewartet', 'feedback.complaint', 'de'],
  ['Man hat mir das Frühstück berechnet, obwohl es inklusive war', 'billing.dispute', 'de'],
  ['In der Tiefgarage wurde mein Auto aufgebrochen', 'request.security', 'de'],
  ['Aus unserem Safe fehlt Geld', 'request.security', 'de'],
  ['Il parcheggiatore ha graffiato la mia macchina', 'feedback.complaint', 'it'],
  ['La colazione era fredda e nessuno ci ha servito', 'feedback.complaint', 'it'],
  ['Mi avete addebitato il parcheggio ma non ho la macchina', 'billing.dispute', 'it'],
  ['Vorrei un rimborso per il parcheggio', 'billing.refund', 'it'],
  ["Qualcuno ha forzato la mia auto nel garage dell'hotel", 'request.security', 'it'],
  ['Qualcuno ha preso il mio portafoglio in piscina', 'request.security', 'it'],
  ['O manobrista arranhou o meu carro', 'feedback.complaint', 'pt'],
  ['O pequeno-almoço estava frio e ninguém nos atendeu', 'feedback.complaint', 'pt'],
  ['Pedimos serviço de quarto há uma hora e nada', 'feedback.complaint', 'pt'],
  ['Fui cobrado pelo estacionamento mas não tenho carro', 'billing.dispute', 'pt'],
  ['Alguém arrombou o meu carro na garagem do hotel', 'request.security', 'pt'],
  ['Sumiu dinheiro do cofre do quarto', 'request.security', 'pt'],
];

/** Compensation asked for a spoilt stay, disappointment measured against the hotel's class, a cancellation after the booking. */
const MORE_GRIEVANCES: Case[] = [
  ['The spa was shut for our whole stay, can we get a discount?', 'billing.refund'],
  ['sin agua caliente dos días, creo que merecemos un descuento', 'billing.refund', 'es'],
  ['La piscine était fermée, vous pourriez nous faire une réduction ?', 'billing.refund', 'fr'],
  ['Die Sauna war die ganze Zeit kaputt, bekommen wir dafür einen Rabatt?', 'billing.refund', 'de'],
  ['il wifi non ha mai funzionato, ci fate uno sconto?', 'billing.refund', 'it'],
  ['o ar condicionado não funcionou a semana toda, acho justo um desconto', 'billing.refund', 'pt'],
  ['honestly expected much more for a 5 star hotel', 'feedback.complaint'],
  ['esperábamos algo mejor para un hotel de cuatro estrellas', 'feedback.complaint', 'es'],
  ["on s'attendait à mieux, pas digne d'un 4 étoiles", 'feedback.complaint', 'fr'],
  ['Für diesen Preis hatte ich mehr erwartet, unzumutbar', 'feedback.complaint', 'de'],
  ['ci aspettavamo di più da un hotel a 4 stelle', 'feedback.complaint', 'it'],
  ['esperava bem melhor, para um hotel de 5 estrelas é lamentável', 'feedback.complaint', 'pt'],
  ['we have a reservation for next month but we need to cancel', 'request.reservation_cancel'],
  ['Tenemos una reserva para el viernes pero tendremos que cancelar', 'request.reservation_cancel', 'es'],
  [
    'Wir haben eine Buchung für Dezember, die wir leider stornieren müssen',
    'request.reservation_cancel',
    'de',
  ],
  ['Mir ist seit dem Abendessen schwindelig und übel, kann jemand einen Arzt holen?', 'medical', 'de'],
];

/** Thanks for a service already given: no new task; a request after the thanks still counts. */
const THANKED: Case[] = [
  ['thanks so much for the extra pillows!', 'social.thanks'],
  ['muchas gracias por las toallas, muy rápidos', 'social.thanks', 'es'],
  ['merci beaucoup pour le fer à repasser', 'social.thanks', 'fr'],
  ['Danke schön für die zweite Decke!', 'social.thanks', 'de'],
  ['grazie mille per il phon!', 'social.thanks', 'it'],
  ['obrigado pelo berço, chegou rapidinho', 'social.thanks', 'pt'],
  ['thanks for the towels, but could you also bring two pillows', 'request.amenities'],
  ['merci de nous apporter deux serviettes', 'request.towels', 'fr'],
  ['gracias! nos traen dos toallas a la 305?', 'request.towels', 'es'],
];

/** The same topics asked about, ordered or lost without a grievance: still answered or acted on. */
const TOPIC_QUESTIONS: Case[] = [
  ['Is parking free?', 'inquiry.parking'],
  ['Do you have a garage for my car?', 'inquiry.parking'],
  ['Where do I pay for parking?', 'inquiry.parking'],
  ['Do you charge for parking?', 'inquiry.parking'],
  ['Is the car park guarded at night?', 'inquiry.parking'],
  ['Can I charge my electric car at the hotel?', 'inquiry.parking'],
  ['Our car is a large SUV, will it fit in your garage?', 'inquiry.parking'],
  ['Is the restaurant open for dinner tonight?', 'inquiry.dining'],
  ["I'd like to order two pizzas to room 210", 'request.room_service'],
  ['I forgot my phone in the restaurant', 'request.lost_and_found'],
  ['I lost my wallet somewhere in the lobby', 'request.lost_and_found'],
  ['The bathroom door is damaged and does not close', 'request.maintenance'],
  ['¿Cuánto cuesta el parking?', 'inquiry.parking', 'es'],
  ['¿Tienen garaje?', 'inquiry.parking', 'es'],
  ['¿Dónde puedo aparcar el coche?', 'inquiry.parking', 'es'],
  ['¿El desayuno está incluido en el precio?', 'inquiry.dining', 'es'],
  ['Olvidé mi cargador en la habitación', 'request.lost_and_found', 'es'],
  ['Le parking est-il gratuit ?', 'inquiry.parking', 'fr'],
  ['Avez-vous un garage ?', 'inquiry.parking', 'fr'],
  ['À quelle heure ouvre le restaurant ?', 'inquiry.dining', 'fr'],
  ["Notre vol part à 22h, pouvons-nous garder la chambre jusqu'à 18h ?", 'request.late_checkout', 'fr'],
  ['Ist das Parken kostenlos?', 'inquiry.parking', 'de'],
  ['Haben Sie eine Garage?', 'inquiry.parking', 'de'],
  ['Wann öffnet das Restaurant?', 'inquiry.dining', 'de'],
  ['Ich habe meine Tasche im Restaurant verloren', 'request.lost_and_found', 'de'],
  ['Il parcheggio è gratuito?', 'inquiry.parking', 'it'],
  ['Quanto costa il garage?', 'inquiry.parking', 'it'],
  ['Ho perso la mia valigia', 'request.lost_and_found', 'it'],
  ['O estacionamento é gratuito?', 'inquiry.parking', 'pt'],
  ['Quanto custa a garagem?', 'inquiry.parking', 'pt'],
  ['Onde posso estacionar?', 'inquiry.parking', 'pt'],
];

const table = (language: string, cases: Case[]): [string, string, IntentId][] =>
  cases.map(([text, intent, own]) => [own ?? language, text, intent]);

const ALL_CASES = [
  ...table('en', ENGLISH),
  ...table('en', RESTRICTED),
  ...table('es', SPANISH),
  ...table('fr', FRENCH),
  ...table('de', GERMAN),
  ...table('it', ITALIAN),
  ...table('pt', PORTUGUESE),
  ...table('en', PAIRS),
  ...table('en', SAFETY),
  ...table('en', SMALL_TALK),
  ...table('en', MIXED_AND_TYPOS),
  ...table('en', FALSE_FRIENDS),
  ...table('en', GRIEVANCES),
  ...table('en', TOPIC_QUESTIONS),
  ...table('en', MORE_GRIEVANCES),
  ...table('en', THANKED),
];

describe(classifyIntent.name, () => {
  describe('requests and inquiries', () => {
    it.each(table('en', ENGLISH))(
      'classifies %s "%s" as %s when the guest writes it',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );
  });

  describe('money, complaints and protected topics', () => {
    it.each(table('en', RESTRICTED))(
      'classifies %s "%s" as %s when the guest writes it',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );
  });

  describe('other languages', () => {
    it.each([
      ...table('es', SPANISH),
      ...table('fr', FRENCH),
      ...table('de', GERMAN),
      ...table('it', ITALIAN),
      ...table('pt', PORTUGUESE),
    ])('classifies %s "%s" as %s when the guest writes it', (language, text, intent) => {
      expect(classifyIntent(text, language).intent).toBe(intent);
    });

    it('classifies a message by its words when the detected language is wrong', () => {
      expect(classifyIntent('Necesito toallas limpias por favor', 'de').intent).toBe('request.towels');
      expect(classifyIntent('Die Heizung ist kaputt', 'it').intent).toBe('request.maintenance');
      expect(classifyIntent('Où est la piscine ?', 'pt-BR').intent).toBe('inquiry.amenities');
    });
  });

  describe('disambiguation', () => {
    it.each(table('en', PAIRS))(
      'classifies %s "%s" as %s when a similar intent competes',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', NEGATION))(
      'classifies %s "%s" as %s when the guest declines or negates',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', SMALL_TALK))(
      'classifies %s "%s" as %s when small talk comes with it',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', FALSE_FRIENDS))(
      'classifies %s "%s" as %s when a word means something else in another language',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', MIXED_AND_TYPOS))(
      'classifies %s "%s" as %s when languages mix or words are misspelt',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );
  });

  describe('grievances about a topic', () => {
    it.each(table('en', GRIEVANCES))(
      'classifies %s "%s" as %s with at least 0.7 when the guest complains, disputes or reports an incident',
      (language, text, intent) => {
        const result = classifyIntent(text, language);

        expect(result.intent).toBe(intent);
        expect(result.confidence).toBeGreaterThanOrEqual(0.7);
      },
    );

    it.each(table('en', TOPIC_QUESTIONS))(
      'classifies %s "%s" as %s when the guest only asks about or orders the same topic',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', MORE_GRIEVANCES))(
      'classifies %s "%s" as %s: compensation, disappointment and cancellation outweigh the topic',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it.each(table('en', THANKED))(
      'classifies %s "%s" as %s: a service thanked for was given, not asked for',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it('classifies the topic as an alternative when a grievance about it wins', () => {
      const result = classifyIntent('Someone broke into my car in the hotel garage last night', 'en');

      expect(result.intent).toBe('request.security');
      expect(result.alternatives.map((alternative) => alternative.intent)).toContain('inquiry.parking');
    });
  });

  describe('emergencies and hand-over', () => {
    it.each(table('en', SAFETY))(
      'classifies %s "%s" as %s when safety or a person is at stake',
      (language, text, intent) => {
        expect(classifyIntent(text, language).intent).toBe(intent);
      },
    );

    it('classifies an emergency first when it comes with other requests', () => {
      const result = classifyIntent('Please send towels, also there is a fire in the corridor', 'en');

      expect(result.intent).toBe('emergency');
      expect(result.alternatives.map((alternative) => alternative.intent)).toContain('request.towels');
    });

    it('classifies a refund when it is embedded in a complaint', () => {
      const result = classifyIntent(
        'This is unacceptable, the room was never cleaned and nobody came. I want a refund.',
        'en',
      );

      expect(result.intent).toBe('billing.refund');
      expect(result.alternatives.map((alternative) => alternative.intent)).toContain('feedback.complaint');
    });
  });

  describe('sentiment', () => {
    it.each([
      ['This is unacceptable, the room is disgusting', 'en', 'negative'],
      ['WHERE ARE OUR TOWELS', 'en', 'negative'],
      ['the shower is broken!!!', 'en', 'negative'],
      ['Es inaceptable, la habitación está asquerosa', 'es', 'negative'],
      ["C'est dégoûtant", 'fr', 'negative'],
      ['Das ist unverschämt', 'de', 'negative'],
      ['Servizio schifoso, inaccettabile', 'it', 'negative'],
      ['Atendimento péssimo, nojento', 'pt', 'negative'],
      ['The staff were amazing, thank you!', 'en', 'positive'],
      ['Estadia maravilhosa', 'pt', 'positive'],
      ['what time is breakfast?', 'en', 'neutral'],
      ['Wann ist Check-out?', 'de', 'neutral'],
    ] as const)(
      'classifies the sentiment of "%s" (%s) as %s when it is expressed',
      (text, language, sentiment) => {
        expect(classifyIntent(text, language).sentiment).toBe(sentiment);
      },
    );
  });

  describe('confidence', () => {
    it('classifies with at least 0.75 when a single clear keyword matches', () => {
      for (const [text, language] of [
        ['towels', 'en'],
        ['taxi', 'en'],
        ['breakfast', 'en'],
        ['toallas', 'es'],
        ['Handtücher', 'de'],
      ]) {
        expect(classifyIntent(text, language).confidence).toBeGreaterThanOrEqual(0.75);
      }
    });

    it('classifies with at least 0.9 when a decisive phrase matches', () => {
      for (const text of [
        'fire alarm',
        'wifi password',
        'room service',
        'late check out',
        'do not disturb',
      ]) {
        expect(classifyIntent(text, 'en').confidence).toBeGreaterThanOrEqual(0.9);
      }
    });

    it('classifies below 0.6 when only a weak hint matches', () => {
      const result = classifyIntent('bags', 'en');

      expect(result.intent).toBe('request.luggage');
      expect(result.confidence).toBeLessThan(0.6);
    });

    it('classifies two competing intents below 0.7 when their evidence is close', () => {
      const result = classifyIntent('I need a taxi and a late checkout', 'en');

      expect(['request.transport', 'request.late_checkout']).toContain(result.intent);
      expect(result.confidence).toBeLessThan(0.7);
      expect(result.alternatives[0].confidence).toBeLessThanOrEqual(result.confidence);
    });

    it.each(['asdkjh qwe zzz', 'what is the meaning of life', '', '   ?!  '])(
      'classifies "%s" as unknown with at most 0.3 when nothing matches',
      (text) => {
        const result = classifyIntent(text, 'en');

        expect(result.intent).toBe('unknown');
        expect(result.confidence).toBeLessThanOrEqual(0.3);
      },
    );

    it('classifies with a confidence in [0, 1] and at most three ranked alternatives when given any message', () => {
      for (const [language, text] of ALL_CASES) {
        const result = classifyIntent(text, language);

        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(result.alternatives.length).toBeLessThanOrEqual(3);
        expect(result.alternatives.map((alternative) => alternative.intent)).not.toContain(result.intent);
        const confidences = result.alternatives.map((alternative) => alternative.confidence);
        expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
      }
    });
  });

  describe('decision trace', () => {
    it('classifies with the ids of the rules that fired when asked why', () => {
      const result = classifyIntent('Hi, 2 towels please', 'en');

      expect(result.matched).toEqual(expect.arrayContaining(['en:request.towels:0', 'en:social.greeting:0']));
      expect(result.matched).toContain('cue:request');
    });

    it('classifies the same message the same way when asked twice', () => {
      expect(classifyIntent('La tele no enciende', 'es')).toEqual(
        classifyIntent('La tele no enciende', 'es'),
      );
    });
  });

  describe('lexicons', () => {
    it('classifies with rules for every intent when the message is in any supported language', () => {
      const intents = INTENT_IDS.filter((intent) => intent !== 'unknown');
      for (const [language, rules] of Object.entries(LEXICONS)) {
        const covered = new Set(rules.map((rule) => rule.intent));
        expect({ language, missing: intents.filter((intent) => !covered.has(intent)) }).toEqual({
          language,
          missing: [],
        });
        expect(CUES[language]).toBeDefined();
      }
    });

    it('classifies with flagless, lower-case, accent-free patterns when matching normalized text', () => {
      for (const rules of Object.values(LEXICONS)) {
        for (const rule of rules) {
          expect(rule.patterns.length).toBeGreaterThan(0);
          for (const pattern of rule.patterns) {
            expect({ source: pattern.source, flags: pattern.flags }).toEqual({
              source: pattern.source,
              flags: '',
            });
            expect(pattern.source).not.toMatch(/[A-Z](?<!\\[A-Z])|[^ -~]/);
          }
        }
      }
    });

    it('classifies into every intent of the taxonomy when run over these tables', () => {
      const expected = new Set<IntentId>([...ALL_CASES.map(([, , intent]) => intent), 'unknown']);
      expect(INTENT_IDS.filter((intent) => !expected.has(intent))).toEqual([]);
    });

    it('classifies with the same rule matches when the prefix index replaces a full scan', () => {
      const rules = Object.values(LEXICONS).flat();
      const matcher = new PrefixMatcher(rules.map((rule) => rule.patterns));
      const disagreements: string[] = [];
      for (const [, text] of ALL_CASES) {
        const normalized = normalize(text);
        const indexed = matcher.match(normalized);
        rules.forEach((rule, index) => {
          const scanned = rule.patterns.some((pattern) => pattern.test(normalized));
          if (scanned !== (indexed[index] !== undefined))
            disagreements.push(`${rule.intent}#${index} on "${text}"`);
        });
      }

      expect(disagreements).toEqual([]);
    });
  });

  describe('speed', () => {
    it('classifies in well under a millisecond on average when run over many messages', () => {
      const messages = ALL_CASES.map(([language, text]) => [text, language] as const);
      messages.forEach(([text, language]) => classifyIntent(text, language));
      const rounds = 5;
      const started = process.hrtime.bigint();
      for (let round = 0; round < rounds; round++) {
        for (const [text, language] of messages) classifyIntent(text, language);
      }
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6 / (rounds * messages.length);

      expect(milliseconds).toBeLessThan(1);
    });
  });
});
