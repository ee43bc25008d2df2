// auth.ts: Sign In, Sign Out, Who Am I and Switch Profile. The token typed
// at sign-in goes straight to auth/login; it is never logged or echoed.
import * as vscode from 'vscode';
import { chooseProfile, chosenProfile, profileParam, type Ctx } from '../context';
import type { AuthStatus, LoginResult, LogoutResult, Organization, ProfileList, User } from '../types';
import { need } from '../ui';

/**
 * tokenShapeProblem refuses, before anything is sent, what cannot be a
 * Konnect token: a PAT is kpat_ and a SPAT spat_ followed by letters and
 * digits; kongctl's login tokens are JWTs (three dot-separated parts).
 * The daemon and Konnect remain the judges of everything that passes.
 */
export function tokenShapeProblem(v: string): string | undefined {
  const t = v.trim();
  if (t === '') return 'Paste a personal access token (kpat_…) or a system account token (spat_…)';
  if (/^(?:kpat|spat)_[A-Za-z0-9]{20,200}$/.test(t)) return undefined;
  if (/^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(t)) return undefined;
  if (/^(?:kpat|spat)_/.test(t)) return 'This token is cut short or has stray characters: copy it again from Konnect';
  return 'This is not a Konnect access token: personal access tokens start with kpat_, system account tokens with spat_';
}

/** activeProfile names the profile a request without one acts for. */
async function activeProfile(ctx: Ctx, params: { profile?: string }): Promise<string> {
  if (params.profile) return params.profile;
  return (await ctx.daemon.request<ProfileList>('profile/list', {})).active;
}

/** Sign In. args.token skips the prompt (for tests and automation). */
export async function signIn(ctx: Ctx, args?: { token?: string; profile?: string }): Promise<LoginResult> {
  const params = args?.profile ? { profile: args.profile } : profileParam();
  const profile = await activeProfile(ctx, params);
  const token =
    args?.token ??
    need(
      await vscode.window.showInputBox({
        title: `Konnect: Sign In (profile "${profile}")`,
        prompt: `A personal or system account access token for profile "${profile}"; konnectd checks it with Konnect and keeps it in the OS keychain`,
        placeHolder: 'kpat_… or spat_…',
        password: true,
        ignoreFocusOut: true,
        validateInput: tokenShapeProblem,
      }),
    );
  const problem = tokenShapeProblem(token);
  if (problem) throw new Error(`${problem}; nothing was sent to Konnect`);
  const res = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Konnect: signing in…' },
    () => ctx.daemon.request<LoginResult>('auth/login', { ...params, token: token.trim() }),
  );
  ctx.log.info(`signed in: profile ${res.profile} as ${who(res.user)}, token kept in the ${res.stored} keychain`);
  void vscode.window.showInformationMessage(
    `Konnect: signed in to ${res.organization?.name ?? 'Konnect'} as ${who(res.user)} (profile "${res.profile}").`,
  );
  await ctx.refresh();
  return res;
}

/** Sign Out asks first (args.confirm: true skips it), then says what happened. */
export async function signOut(ctx: Ctx, args?: { profile?: string; confirm?: boolean }): Promise<LogoutResult> {
  const params = args?.profile ? { profile: args.profile } : profileParam();
  const profile = await activeProfile(ctx, params);
  if (args?.confirm !== true) {
    need(
      await vscode.window.showWarningMessage(
        `Sign out of profile "${profile}"?`,
        { modal: true, detail: 'konnectd removes the token from the OS keychain. The token itself stays valid in Konnect until it expires or is deleted.' },
        'Sign Out',
      ),
    );
  }
  const res = await ctx.daemon.request<LogoutResult>('auth/logout', { profile });
  ctx.log.info(`sign out of profile ${res.profile}: ${res.message}`);
  void vscode.window.showInformationMessage(
    res.removed
      ? `Konnect: signed out of profile "${res.profile}"; its token was removed from the keychain.`
      : `Konnect: profile "${res.profile}" had no token in the keychain; nothing to sign out of.`,
  );
  await ctx.refresh();
  return res;
}

export interface WhoAmI {
  profile: string;
  user: User;
  organization: Organization;
}

export async function whoAmI(ctx: Ctx): Promise<WhoAmI> {
  const params = profileParam();
  const [status, user, organization] = await Promise.all([
    ctx.daemon.request<AuthStatus>('auth/status', params),
    ctx.daemon.request<User>('identity/me', params),
    ctx.daemon.request<Organization>('identity/organization', params),
  ]);
  const msg = `Konnect: ${who(user)} in ${organization.name ?? organization.id} (profile "${status.profile}", token from ${status.source ?? 'unknown'}).`;
  ctx.log.info(msg);
  void vscode.window.showInformationMessage(msg);
  return { profile: status.profile, user, organization };
}

/**
 * Switch Profile: a quick pick of the config file's profiles. The choice
 * is kept in the extension's workspace state, never written to the
 * workspace's settings.json.
 */
export async function switchProfile(ctx: Ctx, args?: { profile?: string }): Promise<string> {
  const list = await ctx.daemon.request<ProfileList>('profile/list', {});
  if (list.error) ctx.log.warn(`config file problem: ${list.error}`);
  const current = profileParam().profile ?? list.active;
  const chosen =
    args?.profile ??
    need(
      await vscode.window.showQuickPick(
        list.profiles.map((p) => ({
          label: p,
          description: p === current ? 'current' : p === list.active ? 'daemon default' : undefined,
        })),
        { title: 'Konnect: Switch Profile', placeHolder: list.configFile ? `profiles in ${list.configFile}` : 'profiles' },
      ),
    ).label;
  if (!list.profiles.includes(chosen)) {
    throw new Error(`no profile "${chosen}" in ${list.configFile ?? 'the config file'}; known: ${list.profiles.join(', ')}`);
  }
  await chooseProfile(chosen);
  ctx.log.info(`profile switched to ${chosen} (kept in this workspace's state${chosenProfile() ? '' : ': none, so not kept'})`);
  await ctx.refresh();
  return chosen;
}

function who(u: User | undefined): string {
  if (!u) return 'unknown user';
  const name = u.full_name || u.preferred_name;
  return name && u.email ? `${name} <${u.email}>` : (name ?? u.email ?? u.id ?? 'unknown user');
}
