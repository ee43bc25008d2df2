// redact.ts: the extension's last line of defence against showing a secret.
// It mirrors the daemon's internal/redact (kpat_…, spat_…, "Bearer …"). Code
// still keeps token values out of messages on purpose; this only catches a
// mistake before it reaches the output channel or a notification.

const secretRE = /\b(?:kpat|spat)_[A-Za-z0-9_-]+|\bbearer\s+[A-Za-z0-9\-._~+/]+=*/gi;

export const MASK = '[REDACTED]';

/** redact returns s with every token-shaped substring replaced by MASK. */
export function redact(s: string): string {
  return s.replace(secretRE, (m) => (m.toLowerCase().startsWith('bearer') ? m.slice(0, 6) + ' ' + MASK : MASK));
}

/** containsSecret reports whether redact would change s. Tests use it too. */
export function containsSecret(s: string): boolean {
  secretRE.lastIndex = 0;
  const found = secretRE.test(s);
  secretRE.lastIndex = 0;
  return found;
}
