// ISO-8601 instants as the Python client renders them (`datetime.isoformat()`, neptune.md §4.2): optional
// fraction of up to microseconds, offset `+hh:mm`/`Z`. Parsed by hand because Date.parse reads an offset-less
// string as local time; the emulator has no notion of the client's zone, so such values are taken as UTC.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Epoch milliseconds, or undefined when the text is not an ISO date/time. */
export function parseIsoMillis(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const millis = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), millis);
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    utc -= sign * offsetMinutes * 60_000;
  }
  return Number.isFinite(utc) ? utc : undefined;
}
