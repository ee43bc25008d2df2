// deliver.ts: where a new token goes. The value is handed to exactly one
// place the user chose — the clipboard, the active terminal's input line,
// or (decided before the request) the OS keychain through the daemon — and
// is never put in a notification, the log, or a command's return value.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { TokenCreated } from '../types';
import { need } from '../ui';

export type Delivery = 'clipboard' | 'keychain' | 'terminal';
const deliveries: Delivery[] = ['clipboard', 'keychain', 'terminal'];

/** chooseDelivery asks unless the argument or the "konnectd.tokenDelivery" setting decides. */
export async function chooseDelivery(arg: string | undefined): Promise<Delivery> {
  const setting = vscode.workspace.getConfiguration('konnectd').get<string>('tokenDelivery', 'ask');
  const preset = arg ?? (setting === 'ask' ? undefined : setting);
  if (preset !== undefined) {
    if (!deliveries.includes(preset as Delivery)) {
      throw new Error(`unknown token delivery "${preset}": use clipboard, keychain or terminal`);
    }
    return preset as Delivery;
  }
  const pick = need(
    await vscode.window.showQuickPick(
      [
        { label: 'Copy to clipboard', value: 'clipboard' as const, detail: 'Paste it where it is needed, then clear the clipboard.' },
        { label: 'Store in the OS keychain', value: 'keychain' as const, detail: 'konnectd keeps it; it is never shown.' },
        { label: 'Send "export …" to the terminal', value: 'terminal' as const, detail: 'Typed into the active terminal, not executed.' },
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

export async function deliver(ctx: Ctx, t: TokenCreated, how: Delivery): Promise<Delivered> {
  const label = `${t.type === 'spat' ? 'System account token' : 'Personal access token'} "${t.name}"` +
    (t.expires_at ? ` (expires ${t.expires_at})` : '');
  let where: string;
  if (how === 'keychain') {
    if (!t.stored) throw new Error('the daemon did not store the token in the keychain; nothing was delivered');
    where = `the ${t.stored.keychain} keychain as ${t.stored.account}`;
  } else {
    if (!t.token) throw new Error('the daemon returned no token value');
    if (how === 'clipboard') {
      await vscode.env.clipboard.writeText(t.token);
      where = 'the clipboard';
    } else {
      const term = vscode.window.activeTerminal ?? vscode.window.createTerminal('Konnect');
      term.show();
      // Not executed: the user reads the line, then presses Enter or not.
      term.sendText(`export KONNECT_TOKEN='${t.token}'`, false);
      where = `terminal "${term.name}" (press Enter to run the export)`;
    }
  }
  ctx.log.info(`${label}: id ${t.id}, delivered to ${where}`);
  void vscode.window.showInformationMessage(`Konnect: ${label} created; it is in ${where}.`);
  return { type: t.type, id: t.id, name: t.name, expires_at: t.expires_at, delivered: how, where };
}
