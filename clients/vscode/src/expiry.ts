// expiry.ts: the token lifetime rules of kongctl's --expires-in, checked in
// the input box so the user sees the mistake before anything is sent. The
// daemon checks again (it is the authority); this only saves a round trip.
//
// Rules (kongctl): trimmed; a value ending in "d" is a (possibly fractional)
// number of days, parsed like Go's strconv.ParseFloat; anything else is a Go
// time.ParseDuration (ns, us, µs, ms, s, m, h; compound forms). The result
// must be between 1 day and 365 days.

const DAY = 86_400;
const MIN_SECONDS = DAY;
const MAX_SECONDS = 365 * DAY;

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** parseGoDuration returns seconds, or undefined when Go would reject s. */
export function parseGoDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m) return undefined;
    total += parseFloat(m[1]) * UNIT_SECONDS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** parseGoFloat accepts what strconv.ParseFloat accepts for ordinary input (no hex, no underscores). */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return parseFloat(s);
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  return undefined;
}

/** expiresInSeconds parses v like kongctl, or returns kongctl's error text. */
export function expiresInSeconds(v: string): { seconds: number } | { error: string } {
  const t = v.trim();
  const invalid = {
    error: `invalid --expires-in value "${t}": use a duration between 1 day and 365 days (12 months) with units ns, us, ms, s, m, h, or d (days)`,
  };
  let seconds: number | undefined;
  if (t.endsWith('d')) {
    const days = parseGoFloat(t.slice(0, -1));
    if (days === undefined) return invalid;
    seconds = days * DAY;
  } else {
    seconds = parseGoDuration(t);
    if (seconds === undefined) return invalid;
  }
  // NaN and ±Inf land in kongctl's minimum error (the Duration overflows).
  if (!Number.isFinite(seconds) || !(seconds >= MIN_SECONDS)) return { error: 'minimum token lifetime is 1 day (--expires-in must be at least 1d)' };
  if (seconds > MAX_SECONDS) return { error: 'maximum token lifetime is 365 days (12 months) (--expires-in must be at most 365d)' };
  return { seconds };
}

/** validateExpiresIn is an InputBox validator: undefined means fine. */
export function validateExpiresIn(v: string): string | undefined {
  const r = expiresInSeconds(v);
  return 'error' in r ? r.error : undefined;
}

/** The quick-pick presets the issue asks for. */
export const PRESETS = [7, 30, 90, 365].map((d) => ({ label: `${d} days`, value: `${d}d` }));
