// auth.ts: Sign In, Sign Out, Who Am I and Switch Profile. The token typed
// at sign-in goes straight to auth/login; it is never logged or echoed.
import * as vscode from 'vscode';
import { profileParam, type Ctx } from '../context';
import type { AuthStatus, LoginResult, LogoutResult, Organization, ProfileList, User } from '../types';
import { need } from '../ui';

/** Sign In. args.token skips the prompt (for tests and automation). */
export async function signIn(ctx: Ctx, args?: { token?: string; profile?: string }): Promise<LoginResult> {
  const params = args?.profile ? { profile: args.profile } : profileParam();
  const token =
    args?.token ??
    need(
      await vscode.window.showInputBox({
        title: 'Konnect: Sign In',
        prompt: `Personal or system account access token for profile "${params.profile ?? 'active'}" (stored in the OS keychain by konnectd)`,
        placeHolder: 'kpat_… or spat_…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'A token is required' : undefined),
      }),
    );
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

export async function signOut(ctx: Ctx, args?: { profile?: string }): Promise<LogoutResult> {
  const params = args?.profile ? { profile: args.profile } : profileParam();
  const res = await ctx.daemon.request<LogoutResult>('auth/logout', params);
  ctx.log.info(`sign out of profile ${res.profile}: ${res.message}`);
  void vscode.window.showInformationMessage(`Konnect: ${res.message}`);
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

/** Switch Profile: a quick pick of the config file's profiles; the choice goes to the "konnectd.profile" setting. */
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
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('konnectd').update('profile', chosen, target);
  ctx.log.info(`profile switched to ${chosen}`);
  await ctx.refresh();
  return chosen;
}

function who(u: User | undefined): string {
  if (!u) return 'unknown user';
  const name = u.full_name || u.preferred_name;
  return name && u.email ? `${name} <${u.email}>` : (name ?? u.email ?? u.id ?? 'unknown user');
}
