// deliver.ts: where a new token goes. The value is handed to exactly one
// place the user chose — the clipboard (cleared after a while), the
// integrated terminal's environment (never typed), or (decided before the
// request) the OS keychain through the daemon — and is never put in a
// notification, the log, or a command's return value.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { TokenCreated } from '../types';
import { need } from '../ui';
import { setting } from '../settings';
import { copySecret, toTerminalEnv, tokenVariable } from '../secrets';

export type Delivery = 'clipboard' | 'keychain' | 'terminal';
const deliveries: Delivery[] = ['clipboard', 'keychain', 'terminal'];

/** chooseDelivery asks unless the argument or the "konnect.tokenDelivery" setting decides. */
export async function chooseDelivery(arg: string | undefined): Promise<Delivery> {
  const chosen = setting<string>('tokenDelivery', 'ask');
  const preset = arg ?? (chosen === 'ask' ? undefined : chosen);
  if (preset !== undefined) {
    if (!deliveries.includes(preset as Delivery)) {
      throw new Error(`unknown token delivery "${preset}": use clipboard, keychain or terminal`);
    }
    return preset as Delivery;
  }
  const pick = need(
    await vscode.window.showQuickPick(
      [
        { label: 'Copy to clipboard', value: 'clipboard' as const, detail: 'Paste it where it is needed; the clipboard is cleared after a while.' },
        { label: 'Store in the OS keychain', value: 'keychain' as const, detail: 'konnectd keeps it; it is never shown.' },
        { label: 'Set in new terminals', value: 'terminal' as const, detail: `${tokenVariable} in this workspace's new terminals; never typed or shown.` },
      ],
      { title: 'Konnect: where should the new token go?', ignoreFocusOut: true },
    ),
  );
  return pick.value;
}

/** storeParam is the request's "store" field for a keychain delivery. */
export function storeParam(how: Delivery, name: string): { store?: { name: string } } {
  return how === 'keychain' ? { store: { name } } : {};
}

/** Delivered is what a token command returns: everything but the value. */
export interface Delivered {
  type: string;
  id?: string;
  name?: string;
  expires_at?: string;
  delivered: Delivery;
  where: string;
}

export function tokenLabel(t: { type?: string; name?: string }): string {
  return `${t.type === 'spat' ? 'system account token' : 'personal access token'} "${t.name}"`;
}

/** handOver puts a secret in the clipboard or the terminal environment; returns where, in words. */
export async function handOver(ctx: Ctx, secret: string, how: 'clipboard' | 'terminal', label: string): Promise<string> {
  if (how === 'clipboard') {
    const secs = await copySecret(secret);
    return secs > 0 ? `the clipboard (cleared in ${secs} s if still there)` : 'the clipboard';
  }
  const term = toTerminalEnv(ctx.ext, secret, label);
  return `${tokenVariable} in new terminals of this workspace (terminal "${term}" has it; "Konnect: Remove Token from Terminals" removes it)`;
}

export async function deliver(ctx: Ctx, t: TokenCreated, how: Delivery): Promise<Delivered> {
  const label = tokenLabel(t) + (t.expires_at ? ` (expires ${t.expires_at})` : '');
  let where: string;
  if (how === 'keychain') {
    if (!t.stored) throw new Error('the daemon did not store the token in the keychain; nothing was delivered');
    where = `the ${t.stored.keychain} keychain as ${t.stored.account}`;
  } else {
    if (!t.token) throw new Error('the daemon returned no token value');
    where = await handOver(ctx, t.token, how, tokenLabel(t));
  }
  ctx.log.info(`${label}: id ${t.id}, delivered to ${where}`);
  void vscode.window.showInformationMessage(`Konnect: ${label[0].toUpperCase() + label.slice(1)} created; it is in ${where}.`);
  return { type: t.type, id: t.id, name: t.name, expires_at: t.expires_at, delivered: how, where };
}
