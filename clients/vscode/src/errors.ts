// errors.ts: turn a daemon error into a message in VS Code's words, with
// buttons that act. Clients branch on the JSON-RPC code and its data
// (docs/protocol.md), never on the text; the text is only reworded where
// the daemon speaks kongctl's flags (--name, --expires-in) or names CLI
// commands. Messages are redacted before display; the daemon redacts too.
import { ResponseError } from 'vscode-jsonrpc/node';
import { redact } from './redact';

export const Code = {
  InvalidParams: -32602,
  Cancelled: -32800,
  Konnect: -32010,
  OutcomeUnknown: -32011,
  Unauthorized: -32012,
  Profile: -32020,
  Keychain: -32030,
  JQ: -32040,
  Validation: -32050,
} as const;

/** A follow-up the user can take from the message, mapped to a command id. */
export interface NextStep {
  label: string;
  command: string;
  args?: unknown[];
}

export interface UserError {
  message: string;
  /** buttons on the message, in order */
  actions: NextStep[];
  /** details for the log only (a trace id, Konnect's raw title) */
  logDetail?: string;
  /** true when the user cancelled: show nothing */
  quiet?: boolean;
}

export const signIn: NextStep = { label: 'Sign In', command: 'konnect.signIn' };
export const showLog: NextStep = { label: 'Show Log', command: 'konnect.showLog' };
export const openSettings: NextStep = { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['@ext:konnectd.konnectd-vscode'] };
const switchProfile: NextStep = { label: 'Switch Profile', command: 'konnect.switchProfile' };

/** Konnect's problem details, as the daemon passes them in data. */
interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  instance?: string;
  invalid_parameters?: { field?: string; reason?: string; rule?: string }[];
  profile?: string;
  available?: string[];
  kind?: string;
  problems?: unknown[];
}

/**
 * vscodeWords rewords kongctl's flag names and CLI commands for VS Code:
 * "--name is required" → "A name is required", "(--expires-in must be at
 * most 365d)" → "(the expiry must be at most 365 days)", "konnectd login"
 * → the Sign In command.
 */
export function vscodeWords(s: string): string {
  return s
    .replace(/--name is required/g, 'a name is required')
    .replace(/\(--expires-in must be (at most|at least) (\d+)d\)/g, '(the expiry must be $1 $2 days)')
    .replace(/exactly one of --expires-in or --expires-at is required/g, 'an expiry is required')
    .replace(/exactly one of --system-account-id or --system-account-name is required/g, 'a system account is required')
    .replace(/; use --system-account-id/g, '; pick it from the list instead')
    .replace(/invalid --expires-in value/g, 'invalid expiry')
    .replace(/--expires-in/g, 'the expiry')
    .replace(/--expires-at/g, 'the expiry date')
    .replace(/'konnectd login(?: --profile [^']+)?'/g, '"Konnect: Sign In"')
    .replace(/\bkonnectd login(?: --profile \S+)?/g, '"Konnect: Sign In"')
    .replace(/^\w/, (c) => c.toUpperCase());
}

function sentence(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?]$/.test(t) ? t : t + '.';
}

/** describe maps any thrown value to what the user should read and can do. */
export function describe(err: unknown, what: string): UserError {
  if (err instanceof ResponseError) {
    const msg = redact(err.message);
    const d = (err.data ?? {}) as Problem;
    switch (err.code) {
      case Code.Cancelled:
        return { message: `${what}: cancelled`, actions: [], quiet: true };
      case Code.Unauthorized:
        return unauthorized(what, msg, d);
      case Code.Profile:
        if (d.profile && Array.isArray(d.available)) {
          return {
            message: `${what}: there is no profile "${d.profile}" in the kongctl config file (profiles: ${d.available.join(', ') || 'none'}).`,
            actions: [switchProfile, openSettings],
          };
        }
        return { message: `${what}: the kongctl config file cannot be used: ${sentence(msg)}`, actions: [switchProfile, showLog] };
      case Code.Keychain:
        return keychain(what, msg, d);
      case Code.Validation:
        return { message: `${what}: ${sentence(vscodeWords(problems(d) || msg))}`, actions: [] };
      case Code.OutcomeUnknown:
        return { message: `${what}: Konnect may or may not have done it. ${sentence(vscodeWords(msg))}`, actions: [showLog] };
      case Code.Konnect:
        return konnect(what, msg, d);
      case Code.JQ:
        return { message: `jq: ${msg}`, actions: [] };
      case Code.InvalidParams:
        return { message: `${what}: ${sentence(vscodeWords(msg))}`, actions: [showLog] };
      default:
        return { message: `${what}: ${msg}`, actions: [showLog] };
    }
  }
  const msg = redact(err instanceof Error ? err.message : String(err));
  // A daemon that cannot start: the fix is a setting.
  if (/konnect\.path|konnect\.socketPath|cannot start the shared konnectd/.test(msg)) {
    return { message: `${what}: ${msg}`, actions: [openSettings, showLog] };
  }
  return { message: `${what}: ${msg}`, actions: [showLog] };
}

function traceOf(d: Problem): string | undefined {
  return d.instance ? `Konnect trace id ${d.instance}` : undefined;
}

/** -32012: no credential ({profile}), or Konnect's 401 problem details as one sentence. */
function unauthorized(what: string, msg: string, d: Problem): UserError {
  if (d.status === 401 || d.title || d.detail) {
    const why = redact(d.detail || d.title || 'Unauthorized');
    return {
      message: `${what}: Konnect did not accept the token${d.profile ? ` of profile "${d.profile}"` : ''} (${sentence(why).replace(/\.$/, '')}). Sign in with a valid token.`,
      actions: [signIn, showLog],
      logDetail: [traceOf(d), `daemon: ${msg}`].filter(Boolean).join('; '),
    };
  }
  const profile = d.profile ?? /profile "([^"]+)"/.exec(msg)?.[1];
  return {
    message: `${what}: ${profile ? `profile "${profile}" is` : 'you are'} not signed in to Konnect. Sign in with a personal or system account access token.`,
    actions: [signIn],
    logDetail: `daemon: ${msg}`,
  };
}

/** -32010: Konnect's problem details, as one sentence; the trace id goes to the log. */
function konnect(what: string, msg: string, d: Problem): UserError {
  if (d.status === 0) {
    return { message: `${what}: Konnect could not be reached. Check the network and the profile's base URL.`, actions: [showLog, openSettings], logDetail: msg };
  }
  if (d.status) {
    const fields = (d.invalid_parameters ?? [])
      .map((p) => [p.field, p.reason ?? p.rule].filter(Boolean).join(' '))
      .filter(Boolean)
      .join('; ');
    const why = redact([d.detail || d.title, fields].filter(Boolean).join(': '));
    return {
      message: `${what}: Konnect refused it (${d.status}${why ? ', ' + sentence(why).replace(/\.$/, '') : ''}).`,
      actions: [showLog],
      logDetail: [traceOf(d), `daemon: ${msg}`].filter(Boolean).join('; '),
    };
  }
  return { message: `${what}: ${sentence(vscodeWords(msg))}`, actions: [showLog] };
}

function keychain(what: string, msg: string, d: Problem): UserError {
  switch (d.kind) {
    case 'locked':
      return { message: `${what}: the OS keychain is locked. Unlock it and try again.`, actions: [showLog], logDetail: msg };
    case 'timeout':
      return { message: `${what}: the OS keychain did not answer in time (an unlock prompt may be waiting). Try again.`, actions: [showLog], logDetail: msg };
    case 'too_large':
      return { message: `${what}: the value is too large for the OS keychain.`, actions: [showLog], logDetail: msg };
    case 'not_found':
      return { message: `${what}: nothing is stored in the OS keychain for this.`, actions: [showLog], logDetail: msg };
  }
  return {
    message: `${what}: the OS keychain is unavailable (${sentence(msg).replace(/\.$/, '')}). Unlock or start it, or add "--keychain=file" to the "konnect.args" setting.`,
    actions: [openSettings, showLog],
  };
}

/** problems flattens -32050's data.problems (strings or {message}) into one line. */
function problems(data: Problem | undefined): string {
  const list = data?.problems;
  if (!Array.isArray(list)) return '';
  return redact(
    list
      .map((p) => vscodeWords(typeof p === 'string' ? p : ((p as { message?: string })?.message ?? JSON.stringify(p))))
      .join('; '),
  );
}
