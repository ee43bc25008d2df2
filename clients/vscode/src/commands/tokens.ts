// tokens.ts: Create Personal Access Token, Create System Account Token,
// Rotate Token and Delete Token. Names and expiry are asked for, then the
// daemon creates the token; deliver.ts hands it over. Every picker marks
// the token a profile is signed in with; rotating or deleting asks first,
// and a rotated credential's successor replaces it in the keychain, so the
// profile stays signed in. The status bar (and the view) refresh after
// every operation, whether it worked or not.
import * as vscode from 'vscode';
import { profileParam, type Ctx } from '../context';

/** pp is the request's profile: the one the command was given (the Konnect view's), else the chosen one. */
function pp(args: { profile?: string }): { profile?: string } {
  return args.profile ? { profile: args.profile } : profileParam();
}
import { custody, mark, type Custody } from '../custody';
import { PRESETS, validateExpiresIn } from '../expiry';
import type { Listing, RotateResult, SystemAccount, TokenCreated, TokenInfo } from '../types';
import { need } from '../ui';
import { chooseDelivery, deliver, storeParam, tokenLabel, type Delivered } from './deliver';

export interface CreateArgs {
  profile?: string;
  name?: string;
  expiresIn?: string;
  deliver?: string;
  systemAccountId?: string;
  systemAccountName?: string;
}

/** afterwards runs a token operation and refreshes the status bar and view, even when it fails. */
async function afterwards<T>(ctx: Ctx, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await ctx.refresh().catch(() => undefined);
  }
}

async function askName(title: string, value?: string): Promise<string> {
  if (value !== undefined) return value;
  return need(
    await vscode.window.showInputBox({
      title,
      prompt: 'Token name',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Enter a name for the token' : undefined),
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
  return afterwards(ctx, async () => {
    const t = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Konnect: creating token "${name}"…` },
      () =>
        ctx.daemon.request<TokenCreated>('token/createPersonal', {
          ...pp(args),
          name,
          expiresIn,
          ...storeParam(how, name),
        }),
    );
    return deliver(ctx, t, how);
  });
}

export async function pickSystemAccount(ctx: Ctx, title: string, profile: { profile?: string } = profileParam()): Promise<SystemAccount> {
  const list = await ctx.daemon.request<Listing<SystemAccount>>('identity/listSystemAccounts', { ...profile });
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
    ref = { systemAccountId: (await pickSystemAccount(ctx, title, pp(args))).id };
  }
  const name = await askName(title, args.name);
  const expiresIn = await askExpiry(title, args.expiresIn);
  const how = await chooseDelivery(args.deliver);
  return afterwards(ctx, async () => {
    const t = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Konnect: creating system account token "${name}"…` },
      () =>
        ctx.daemon.request<TokenCreated>('token/createSystemAccount', {
          ...pp(args),
          ...ref,
          name,
          expiresIn,
          ...storeParam(how, name),
        }),
    );
    return deliver(ctx, t, how);
  });
}

export interface TokenRef {
  profile?: string;
  kind?: 'pat' | 'spat';
  id?: string;
  systemAccountId?: string;
}

/** Picked is a token chosen for rotate or delete, with what konnectd knows about it. */
interface Picked {
  kind: 'pat' | 'spat';
  owner: Record<string, string>;
  token: TokenInfo;
  custody: Custody;
}

/** pickToken asks for what args leave open: the kind, the system account, the token (marked). */
async function pickToken(ctx: Ctx, title: string, args: TokenRef): Promise<Picked> {
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
  if (kind === 'spat') owner.systemAccountId = args.systemAccountId ?? (await pickSystemAccount(ctx, title, pp(args))).id ?? '';
  const c = await custody(ctx, pp(args));
  if (args.id) {
    const one = await ctx.daemon.request<TokenInfo>('token/list', { ...pp(args), ...owner, id: args.id });
    return { kind, owner, token: one, custody: c };
  }
  const list = await ctx.daemon.request<Listing<TokenInfo>>('token/list', { ...pp(args), ...owner });
  if (list.data.length === 0) throw new Error(`there is no ${kind === 'pat' ? 'personal access token' : 'token of this system account'}`);
  const items = list.data.map((t) => {
    const m = mark(c, t);
    return {
      label: (m ? '$(account) ' : '') + (t.name ?? t.id ?? '?'),
      description: [m?.replace(/^\$\([a-z-]+\) /, ''), t.state, t.expires_at && `expires ${t.expires_at}`].filter(Boolean).join(' · '),
      detail: t.id,
      token: t,
    };
  });
  // The signed-in one first: it is the one whose rotation matters most.
  items.sort((a, b) => Number(b.label.startsWith('$(account)')) - Number(a.label.startsWith('$(account)')));
  const placeHolder =
    kind === 'pat' && c.unknownId
      ? `konnectd does not know which of these profile "${c.profile}" is signed in with (the token was pasted at Sign In)`
      : undefined;
  const picked = need(
    await vscode.window.showQuickPick(items, { title: `${title}: which token`, placeHolder, matchOnDetail: true, ignoreFocusOut: true }),
  );
  return { kind, owner, token: picked.token, custody: c };
}

/** confirm asks with a modal warning; args.confirm (automation) answers with the first button. */
async function confirm(text: string, detail: string, buttons: string[], preset: boolean | string | undefined): Promise<string> {
  if (preset === true) return buttons[0];
  if (typeof preset === 'string') {
    if (!buttons.includes(preset)) throw new Error(`confirm must be true or one of: ${buttons.join(', ')}`);
    return preset;
  }
  return need(await vscode.window.showWarningMessage(text, { modal: true, detail }, ...buttons));
}

export interface RotateArgs extends TokenRef {
  expiresIn?: string;
  deliver?: string;
  /** skip the confirmation: true, or the button to press */
  confirm?: boolean | string;
}

const keepSignedIn = 'Rotate, It Is My Sign-In Token';

/** Rotate Token: pick one of your PATs (or a system account's SPATs), make its successor, retire it. */
export async function rotateToken(ctx: Ctx, args: RotateArgs = {}): Promise<Delivered & { oldAction: string; credentialOf?: string }> {
  const title = 'Konnect: Rotate Token';
  const { kind, owner, token: old, custody: c } = await pickToken(ctx, title, args);
  const label = tokenLabel(old);
  const holders = (old.id && c.byToken.get(old.id)) || [];
  const retire = kind === 'pat' ? 'revoked' : 'deleted';
  let detail = `A new token with the same name is created, and the old one is ${retire} at once: anything still using it stops working.`;
  const buttons = ['Rotate'];
  if (holders.length) {
    detail += ` It is the credential of profile ${holders.map((p) => `"${p}"`).join(', ')}: the new token replaces it in the keychain, so the profile stays signed in.`;
  } else if (kind === 'pat' && c.unknownId) {
    detail += ` If it is the token profile "${c.profile}" is signed in with, choose "${keepSignedIn}": the new token then replaces the profile's credential in the keychain.`;
    buttons.push(keepSignedIn);
  }
  const choice = await confirm(`Rotate ${label}?`, detail, buttons, args.confirm);
  const expiresIn = await askExpiry(title, args.expiresIn);
  // A profile's credential is succeeded in place; other tokens go where the user says.
  let credentialOf: string | undefined;
  let store: Record<string, unknown> = {};
  let how: 'clipboard' | 'keychain' | 'terminal';
  if (holders.length) {
    credentialOf = holders.includes(c.profile) ? c.profile : holders[0];
    store = { store: { profile: credentialOf } };
    how = 'keychain';
    if (holders.length > 1) ctx.log.warn(`token ${old.id} is the credential of several profiles (${holders.join(', ')}); only "${credentialOf}" gets the successor`);
  } else if (choice === keepSignedIn) {
    credentialOf = c.profile;
    // The entry's token id is unknown, so the daemon cannot tell it holds this token: the user said so.
    store = { store: { profile: credentialOf, replace: true } };
    how = 'keychain';
  } else {
    how = await chooseDelivery(args.deliver);
    // A keychain delivery files the successor under the old token's name
    // (its id when it was given as an argument).
    store = storeParam(how, args.id ?? old.name ?? old.id ?? '');
  }
  return afterwards(ctx, async () => {
    const res = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Konnect: rotating ${label}…` },
      () => ctx.daemon.request<RotateResult>('token/rotate', { ...pp(args), ...owner, id: old.id, expiresIn, ...store }),
    );
    ctx.log.info(`rotated token ${res.old.id}: the old one was ${res.oldAction}${credentialOf ? `; the new one is profile "${credentialOf}"'s credential` : ''}`);
    const d = await deliver(ctx, res.new, how);
    return { ...d, oldAction: res.oldAction, ...(credentialOf ? { credentialOf } : {}) };
  });
}

export interface DeleteArgs extends TokenRef {
  confirm?: boolean | string;
}

/** Delete Token: pick a token (the signed-in one is marked), confirm, delete it, offer to forget its keychain entries. */
export async function deleteToken(ctx: Ctx, args: DeleteArgs = {}): Promise<{ id?: string; name?: string; forgot?: string[] }> {
  const title = 'Konnect: Delete Token';
  const { owner, token: t, custody: c } = await pickToken(ctx, title, args);
  const holders = (t.id && c.byToken.get(t.id)) || [];
  let detail = 'Konnect deletes it at once: anything still using it stops working. This cannot be undone.';
  if (holders.length) detail += ` It is the credential of profile ${holders.map((p) => `"${p}"`).join(', ')}, which will be signed out.`;
  await confirm(`Delete ${tokenLabel(t)}?`, detail, ['Delete'], args.confirm);
  return afterwards(ctx, async () => {
    const res = await ctx.daemon.request<{ id?: string; name?: string; forgot?: string[] }>('token/delete', {
      ...pp(args),
      ...owner,
      id: t.id,
      // The keychain entries that held it are dead weight now.
      forget: true,
    });
    const forgot = res.forgot?.length ? ` and removed its keychain entries (${res.forgot.join(', ')})` : '';
    ctx.log.info(`deleted token ${t.id}${forgot}`);
    void vscode.window.showInformationMessage(`Konnect: deleted ${tokenLabel(t)}${forgot}.`);
    return { id: res.id, name: res.name, forgot: res.forgot };
  });
}
