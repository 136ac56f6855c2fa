/** One formatter per time zone: building an Intl.DateTimeFormat is the expensive part. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The calendar date (`YYYY-MM-DD`) in an IANA time zone at a moment (now by default): a
 * property's "today". The same answer as luxon's `DateTime.fromJSDate(at).setZone(zone).toISODate()`
 * in a quarter of the time, which counts where every guest message asks for it. Throws a
 * RangeError for a zone Intl does not know (zones are validated when written).
 */
export function localDate(timeZone: string, at: Date = new Date()): string {
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}
