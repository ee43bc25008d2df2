// errors.ts: turn a daemon error into a message that says what to do next.
// Clients branch on the JSON-RPC code (docs/protocol.md), never on the text.
// Messages are redacted before display; the daemon redacts too.
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
}

export interface UserError {
  message: string;
  next?: NextStep;
  /** true when the user cancelled: show nothing */
  quiet?: boolean;
}

const signIn: NextStep = { label: 'Sign In', command: 'konnect.signIn' };
const showLog: NextStep = { label: 'Show Log', command: 'konnect.showLog' };
const switchProfile: NextStep = { label: 'Switch Profile', command: 'konnect.switchProfile' };

/** describe maps any thrown value to what the user should read and can do. */
export function describe(err: unknown, what: string): UserError {
  if (err instanceof ResponseError) {
    const msg = redact(err.message);
    switch (err.code) {
      case Code.Cancelled:
        return { message: `${what}: cancelled`, quiet: true };
      case Code.Unauthorized:
        return { message: `${what}: not signed in to Konnect, or the token was rejected (${msg}). Sign in with a personal access token.`, next: signIn };
      case Code.Profile:
        return { message: `${what}: profile problem: ${msg}. Check the kongctl config file or pick another profile.`, next: switchProfile };
      case Code.Keychain:
        return { message: `${what}: the OS keychain is unavailable or locked (${msg}). Unlock it, or start konnectd with --keychain=file.`, next: showLog };
      case Code.Validation:
        return { message: `${what}: ${problems(err.data) || msg}` };
      case Code.OutcomeUnknown:
        return { message: `${what}: Konnect may or may not have done it (${msg}). List your tokens before trying again.` };
      case Code.Konnect:
        return { message: `${what}: Konnect refused: ${msg}` };
      case Code.JQ:
        return { message: `jq: ${msg}` };
      default:
        return { message: `${what}: ${msg}`, next: showLog };
    }
  }
  const msg = redact(err instanceof Error ? err.message : String(err));
  return { message: `${what}: ${msg}`, next: showLog };
}

/** problems flattens -32050's data.problems (strings or {message}) into one line. */
function problems(data: unknown): string {
  const list = (data as { problems?: unknown[] } | undefined)?.problems;
  if (!Array.isArray(list)) return '';
  return redact(
    list
      .map((p) => (typeof p === 'string' ? p : ((p as { message?: string })?.message ?? JSON.stringify(p))))
      .join('; '),
  );
}
