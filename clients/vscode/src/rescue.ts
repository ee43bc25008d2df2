// rescue.ts: a create whose answer could not be completed (-32011) may
// carry the only copy of a live token's secret (data.secretIncluded:
// created.token), or say it was kept in the keychain (data.recovery). The
// extension never drops it: it asks the user where the secret should go,
// and asks again before letting it go.
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { Ctx } from './context';
import { Code } from './errors';
import { handOver, tokenLabel } from './commands/deliver';
import { redact } from './redact';
import type { TokenCreated } from './types';

interface Recovery {
  in?: 'keychain' | 'reply';
  keychain?: string;
  account?: string;
  lookup?: string;
}

interface StateData {
  step?: string;
  state?: string;
  created?: TokenCreated;
  secretIncluded?: boolean;
  recovery?: Recovery;
}

const copy = 'Copy to Clipboard';
const terminal = 'Set in New Terminals';

/** rescue handles a -32011 that carries or points at a secret; true when it did (the error was shown). */
export async function rescue(ctx: Ctx, err: unknown, what: string): Promise<boolean> {
  if (!(err instanceof ResponseError) || err.code !== Code.OutcomeUnknown) return false;
  const d = (err.data ?? {}) as StateData;
  const t = d.created;
  if (!t) return false;
  const label = tokenLabel(t);
  const msg = redact(err.message);
  ctx.log.error(`${what}: ${msg}${d.state ? ` (${redact(d.state)})` : ''}; token id ${t.id}`);
  let secret: string | undefined;
  let intro: string;
  if (d.secretIncluded && t.token) {
    secret = t.token;
    intro = `Konnect created ${label} but the ${d.step ?? 'last'} step failed. The secret below is its only copy: choose where it goes now.`;
  } else if (d.recovery?.in === 'keychain' && d.recovery.account) {
    intro = `Konnect created ${label} but the ${d.step ?? 'last'} step failed. konnectd kept its secret in the ${d.recovery.keychain ?? ''} keychain as ${d.recovery.account}.`;
  } else {
    return false;
  }
  const buttons = [copy, terminal];
  let choice = await vscode.window.showWarningMessage(`${what}: ${intro}`, { modal: true, detail: msg }, ...buttons);
  if (!choice && secret) {
    choice = await vscode.window.showWarningMessage(
      `Discard the only copy of ${label}? It stays active in Konnect (id ${t.id}) until it expires or is deleted, and nobody can read it again.`,
      { modal: true },
      copy,
      terminal,
    );
  }
  if (!choice) {
    ctx.log.warn(`${what}: the user left ${label} (id ${t.id}) ${secret ? 'unrecovered' : `in the keychain as ${d.recovery?.account}`}`);
    return true;
  }
  if (!secret) {
    // The kept copy is the user's: keychain/secret answers only our own user, and logs the hand-out.
    const got = await ctx.daemon.request<{ secret: string }>('keychain/secret', { account: d.recovery!.account });
    secret = got.secret;
  }
  const where = await handOver(ctx, secret, choice === copy ? 'clipboard' : 'terminal', label);
  ctx.log.info(`${what}: ${label} (id ${t.id}) handed to ${where}`);
  void vscode.window.showInformationMessage(`Konnect: ${label} is in ${where}.`);
  await ctx.refresh().catch(() => undefined);
  return true;
}
