// tokens.ts: Create Personal Access Token, Create System Account Token and
// Rotate Token. Prompts ask only for what the arguments leave out, so the
// same commands serve the palette, keybindings and tests.
import * as vscode from 'vscode';
import { profileParam, type Ctx } from '../context';
import { PRESETS, validateExpiresIn } from '../expiry';
import type { Listing, RotateResult, SystemAccount, TokenCreated, TokenInfo } from '../types';
import { need } from '../ui';
import { chooseDelivery, deliver, storeParam, type Delivered } from './deliver';

export interface CreateArgs {
  name?: string;
  expiresIn?: string;
  deliver?: string;
  systemAccountId?: string;
  systemAccountName?: string;
}

async function askName(title: string, value?: string): Promise<string> {
  if (value !== undefined) return value;
  return need(
    await vscode.window.showInputBox({
      title,
      prompt: 'Token name',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? '--name is required' : undefined),
    }),
  ).trim();
}

/** askExpiry offers 7/30/90/365 days or a custom kongctl duration, validated as kongctl does. */
export async function askExpiry(title: string, value?: string): Promise<string> {
  if (value !== undefined) return value;
  const custom = { label: 'Custom…', value: '', description: 'a duration like 36h or 14d (1 to 365 days)' };
  const pick = need(
    await vscode.window.showQuickPick([...PRESETS, custom], { title: `${title}: expires in`, ignoreFocusOut: true }),
  );
  if (pick !== custom) return pick.value;
  return need(
    await vscode.window.showInputBox({
      title,
      prompt: 'Token lifetime: ns, us, ms, s, m, h or d (days); between 1 day and 365 days',
      placeHolder: '30d',
      ignoreFocusOut: true,
      validateInput: validateExpiresIn,
    }),
  ).trim();
}

export async function createPersonalToken(ctx: Ctx, args: CreateArgs = {}): Promise<Delivered> {
  const title = 'Konnect: Create Personal Access Token';
  const name = await askName(title, args.name);
  const expiresIn = await askExpiry(title, args.expiresIn);
  const how = await chooseDelivery(args.deliver);
  const t = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Konnect: creating token "${name}"…` },
    () =>
      ctx.daemon.request<TokenCreated>('token/createPersonal', {
        ...profileParam(),
        name,
        expiresIn,
        ...storeParam(how, name),
      }),
  );
  return deliver(ctx, t, how);
}

async function pickSystemAccount(ctx: Ctx, title: string): Promise<SystemAccount> {
  const list = await ctx.daemon.request<Listing<SystemAccount>>('identity/listSystemAccounts', { ...profileParam() });
  if (list.data.length === 0) throw new Error('this organization has no system accounts; create one in Konnect first');
  return need(
    await vscode.window.showQuickPick(
      list.data.map((a) => ({ label: a.name ?? a.id ?? '?', description: a.description, detail: a.id, account: a })),
      { title: `${title}: system account`, matchOnDetail: true, ignoreFocusOut: true },
    ),
  ).account;
}

export async function createSystemAccountToken(ctx: Ctx, args: CreateArgs = {}): Promise<Delivered> {
  const title = 'Konnect: Create System Account Token';
  let ref: { systemAccountId?: string; systemAccountName?: string };
  if (args.systemAccountId || args.systemAccountName) {
    ref = { systemAccountId: args.systemAccountId, systemAccountName: args.systemAccountName };
  } else {
    ref = { systemAccountId: (await pickSystemAccount(ctx, title)).id };
  }
  const name = await askName(title, args.name);
  const expiresIn = await askExpiry(title, args.expiresIn);
  const how = await chooseDelivery(args.deliver);
  const t = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Konnect: creating system account token "${name}"…` },
    () =>
      ctx.daemon.request<TokenCreated>('token/createSystemAccount', {
        ...profileParam(),
        ...ref,
        name,
        expiresIn,
        ...storeParam(how, name),
      }),
  );
  return deliver(ctx, t, how);
}

export interface RotateArgs {
  kind?: 'pat' | 'spat';
  id?: string;
  systemAccountId?: string;
  expiresIn?: string;
  deliver?: string;
}

/** Rotate Token: pick one of your PATs (or a system account's SPATs), make its successor, retire it. */
export async function rotateToken(ctx: Ctx, args: RotateArgs = {}): Promise<Delivered & { oldAction: string }> {
  const title = 'Konnect: Rotate Token';
  const kind =
    args.kind ??
    need(
      await vscode.window.showQuickPick(
        [
          { label: 'One of my personal access tokens', tokenKind: 'pat' as const },
          { label: "A system account's token", tokenKind: 'spat' as const },
        ],
        { title, ignoreFocusOut: true },
      ),
    ).tokenKind;
  const owner: Record<string, string> = { kind };
  if (kind === 'spat') owner.systemAccountId = args.systemAccountId ?? (await pickSystemAccount(ctx, title)).id ?? '';
  let id = args.id;
  let storeName = id ?? '';
  if (!id) {
    const list = await ctx.daemon.request<Listing<TokenInfo>>('token/list', { ...profileParam(), ...owner });
    if (list.data.length === 0) throw new Error('there is no token to rotate');
    const picked = need(
      await vscode.window.showQuickPick(
        list.data.map((t) => ({
          label: t.name ?? t.id ?? '?',
          description: [t.state, t.expires_at && `expires ${t.expires_at}`].filter(Boolean).join(' · '),
          detail: t.id,
          id: t.id,
          name: t.name,
        })),
        { title: `${title}: which token`, matchOnDetail: true, ignoreFocusOut: true },
      ),
    );
    id = picked.id;
    storeName = picked.name ?? picked.id ?? '';
  }
  const expiresIn = await askExpiry(title, args.expiresIn);
  const how = await chooseDelivery(args.deliver);
  const res = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Konnect: rotating token…' },
    () =>
      ctx.daemon.request<RotateResult>('token/rotate', {
        ...profileParam(),
        ...owner,
        id,
        expiresIn,
        // A keychain delivery files the successor under the old token's name
        // (its id when it was given as an argument), replacing the old entry.
        ...storeParam(how, storeName),
      }),
  );
  ctx.log.info(`rotated token ${res.old.id}: the old one was ${res.oldAction}`);
  return { ...(await deliver(ctx, res.new, how)), oldAction: res.oldAction };
}
