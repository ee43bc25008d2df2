// tree.ts: the Konnect view in the activity bar. Profiles (signed in or
// not, organization, region) → my tokens (state, expiry, a warning when it
// is near, the signed-in one marked), system accounts and their tokens,
// teams, users (loaded a page at a time). Everything comes from the
// daemon when a node is expanded; nothing is cached beyond the nodes on
// screen. The view refreshes on profile/didChange and after every
// operation (Ctx.refresh). Limit: "Load more" asks for a larger `limit`,
// so each step lists the earlier users again (the daemon's listing has no
// page cursor).
import * as vscode from 'vscode';
import type { Ctx } from './context';
import { profileParam } from './context';
import { custody, type Custody } from './custody';
import type { AuthStatus, Listing, ProfileList, SystemAccount, Team, TokenInfo, User } from './types';

export const viewId = 'konnect.profiles';
const usersPage = 50;
/** a token expiring within this many days gets the warning look */
export const nearDays = 7;

export type Node =
  | { kind: 'profile'; profile: string; status?: AuthStatus; active: boolean; baseURL?: string }
  | { kind: 'signIn'; profile: string }
  | { kind: 'group'; profile: string; group: 'tokens' | 'accounts' | 'teams' | 'users' }
  | { kind: 'token'; profile: string; token: TokenInfo; signedIn: boolean; credentialOf: string[] }
  | { kind: 'account'; profile: string; account: SystemAccount }
  | { kind: 'team'; profile: string; team: Team }
  | { kind: 'user'; profile: string; user: User }
  | { kind: 'more'; profile: string; shown: number }
  | { kind: 'message'; profile: string; text: string; error?: boolean };

/** region names a profile's Konnect region from its base URL (us.api.konghq.com → us). */
export function region(baseURL: string | undefined): string | undefined {
  if (!baseURL) return undefined;
  try {
    const host = new URL(baseURL).host;
    const m = /^([a-z0-9-]+)\.api\.konghq\.(?:com|tech)$/.exec(host);
    return m ? m[1] : host;
  } catch {
    return baseURL;
  }
}

/** expiry says when a token expires, and whether that is near. */
export function expiry(expiresAt: string | undefined, now = Date.now()): { text: string; near: boolean } {
  if (!expiresAt) return { text: 'no expiry', near: false };
  const ms = Date.parse(expiresAt) - now;
  if (!Number.isFinite(ms)) return { text: `expires ${expiresAt}`, near: false };
  if (ms <= 0) return { text: 'expired', near: true };
  const days = ms / 86_400_000;
  const text = days < 1 ? `expires in ${Math.max(1, Math.round(ms / 3_600_000))} h` : `expires in ${Math.round(days)} d`;
  return { text, near: days <= nearDays };
}

export class KonnectTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly usersShown = new Map<string, number>();
  private readonly custodies = new Map<string, Promise<Custody>>();

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.custodies.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** loadMore shows another page of a profile's users. */
  loadMore(profile: string): void {
    this.usersShown.set(profile, (this.usersShown.get(profile) ?? usersPage) + usersPage);
    this.changed.fire(undefined);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (n.kind) {
      case 'profile': {
        const st = n.status;
        const item = new vscode.TreeItem(n.profile, st?.authenticated ? (n.active ? C.Expanded : C.Collapsed) : C.Collapsed);
        const where = [st?.organization?.name, region(n.baseURL)].filter(Boolean).join(' · ');
        item.description = st?.authenticated ? where : `${stateWords(st)}${region(n.baseURL) ? ' · ' + region(n.baseURL) : ''}`;
        item.iconPath = new vscode.ThemeIcon(st?.authenticated ? 'cloud' : 'warning');
        item.tooltip = st?.authenticated
          ? `Profile "${n.profile}"${n.active ? ' (in use)' : ''}: signed in${st.user?.email ? ' as ' + st.user.email : ''} to ${st.organization?.name ?? 'Konnect'}`
          : `Profile "${n.profile}": ${st?.problem ?? stateWords(st)}`;
        item.contextValue = st?.authenticated ? 'profile.signedIn' : 'profile.signedOut';
        item.id = `profile:${n.profile}`;
        return item;
      }
      case 'signIn': {
        const item = new vscode.TreeItem('Sign in…', C.None);
        item.iconPath = new vscode.ThemeIcon('sign-in');
        item.command = { command: 'konnect.signIn', title: 'Sign In', arguments: [{ profile: n.profile }] };
        return item;
      }
      case 'group': {
        const labels = { tokens: 'My tokens', accounts: 'System accounts', teams: 'Teams', users: 'Users' };
        const icons = { tokens: 'key', accounts: 'server', teams: 'organization', users: 'person' };
        const item = new vscode.TreeItem(labels[n.group], C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(icons[n.group]);
        item.contextValue = `group.${n.group}`;
        item.id = `${n.profile}/${n.group}`;
        return item;
      }
      case 'token': {
        const t = n.token;
        const e = expiry(t.expires_at);
        const item = new vscode.TreeItem(t.name ?? t.id ?? '?', C.None);
        const state = (t.state ?? '').toLowerCase();
        item.description = [n.signedIn ? 'signed in' : n.credentialOf.length ? `credential of ${n.credentialOf.join(', ')}` : '', state, e.text]
          .filter(Boolean)
          .join(' · ');
        item.iconPath = e.near && state !== 'revoked'
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
          : new vscode.ThemeIcon(n.signedIn ? 'account' : 'key');
        item.tooltip = `${t.type === 'spat' ? 'System account token' : 'Personal access token'} "${t.name}"\nid ${t.id}\n${t.state ?? ''}${t.expires_at ? `, expires ${t.expires_at}` : ''}` +
          (n.signedIn ? `\nProfile "${n.profile}" is signed in with this token.` : '') +
          (e.near && state !== 'revoked' ? `\nExpires within ${nearDays} days: rotate it.` : '');
        item.contextValue = `token${state === 'revoked' ? '.revoked' : ''}${n.signedIn ? '.signedIn' : ''}`;
        item.id = `${n.profile}/token/${t.id}`;
        return item;
      }
      case 'account': {
        const item = new vscode.TreeItem(n.account.name ?? n.account.id ?? '?', C.Collapsed);
        item.description = n.account.description;
        item.iconPath = new vscode.ThemeIcon('server');
        item.contextValue = 'account';
        item.id = `${n.profile}/account/${n.account.id}`;
        return item;
      }
      case 'team': {
        const item = new vscode.TreeItem(n.team.name ?? n.team.id ?? '?', C.None);
        item.description = n.team.description;
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = 'team';
        return item;
      }
      case 'user': {
        const item = new vscode.TreeItem(n.user.full_name || n.user.email || n.user.id || '?', C.None);
        item.description = n.user.email;
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = 'user';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', C.None);
        item.description = `${n.shown} shown`;
        item.command = { command: 'konnect.view.loadMore', title: 'Load more', arguments: [n] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text, C.None);
        item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'info');
        item.tooltip = n.text;
        return item;
      }
    }
  }

  async getChildren(n?: Node): Promise<Node[]> {
    try {
      return await this.children(n);
    } catch (err) {
      const text = String((err as Error)?.message ?? err);
      this.ctx.log.warn(`Konnect view: ${text}`);
      return [{ kind: 'message', profile: n && 'profile' in n ? n.profile : '', text, error: true }];
    }
  }

  private custody(profile: string): Promise<Custody> {
    let c = this.custodies.get(profile);
    if (!c) {
      c = custody(this.ctx, { profile });
      this.custodies.set(profile, c);
    }
    return c;
  }

  private async children(n?: Node): Promise<Node[]> {
    const d = this.ctx.daemon;
    if (!n) {
      const list = await d.request<ProfileList>('profile/list', {});
      const inUse = profileParam().profile ?? list.active;
      return Promise.all(
        list.profiles.map(async (profile) => {
          const [status, got] = await Promise.all([
            d.request<AuthStatus>('auth/status', { profile }).catch(() => undefined),
            d.request<{ baseURL?: string }>('profile/get', { profile }).catch(() => undefined),
          ]);
          return { kind: 'profile' as const, profile, status, active: profile === inUse, baseURL: got?.baseURL };
        }),
      );
    }
    const profile = n.profile;
    switch (n.kind) {
      case 'profile':
        if (!n.status?.authenticated) return [{ kind: 'signIn', profile }];
        return (['tokens', 'accounts', 'teams', 'users'] as const).map((group) => ({ kind: 'group' as const, profile, group }));
      case 'group':
        return this.group(profile, n.group);
      case 'account': {
        const [c, list] = await Promise.all([
          this.custody(profile),
          d.request<Listing<TokenInfo>>('token/list', { profile, kind: 'spat', systemAccountId: n.account.id }),
        ]);
        if (list.data.length === 0) return [{ kind: 'message', profile, text: 'no tokens' }];
        return list.data.map((t) => tokenNode(profile, t, c));
      }
      default:
        return [];
    }
  }

  private async group(profile: string, group: 'tokens' | 'accounts' | 'teams' | 'users'): Promise<Node[]> {
    const d = this.ctx.daemon;
    switch (group) {
      case 'tokens': {
        const [c, list] = await Promise.all([this.custody(profile), d.request<Listing<TokenInfo>>('token/list', { profile, kind: 'pat' })]);
        const nodes = list.data.map((t) => tokenNode(profile, t, c));
        // The signed-in one first, then the live ones, revoked last.
        const rank = (x: Node) => (x.kind !== 'token' ? 3 : x.signedIn ? 0 : (x.token.state ?? '').toUpperCase() === 'REVOKED' ? 2 : 1);
        nodes.sort((a, b) => rank(a) - rank(b));
        return nodes.length ? nodes : [{ kind: 'message', profile, text: 'no tokens' }];
      }
      case 'accounts': {
        const list = await d.request<Listing<SystemAccount>>('identity/listSystemAccounts', { profile });
        return list.data.map((account) => ({ kind: 'account' as const, profile, account }));
      }
      case 'teams': {
        const list = await d.request<Listing<Team>>('identity/listTeams', { profile });
        return list.data.map((team) => ({ kind: 'team' as const, profile, team }));
      }
      case 'users': {
        const shown = this.usersShown.get(profile) ?? usersPage;
        const list = await d.request<Listing<User>>('identity/listUsers', { profile, limit: shown, pageSize: 100 });
        const nodes: Node[] = list.data.map((user) => ({ kind: 'user' as const, profile, user }));
        const total = list.meta?.total ?? list.data.length;
        if (list.data.length < total) nodes.push({ kind: 'more', profile, shown: list.data.length });
        return nodes;
      }
    }
  }
}

function tokenNode(profile: string, t: TokenInfo, c: Custody): Node {
  const credentialOf = (t.id && c.byToken.get(t.id)) || [];
  return { kind: 'token', profile, token: t, signedIn: credentialOf.includes(profile), credentialOf };
}

function stateWords(st: AuthStatus | undefined): string {
  switch (st?.state) {
    case 'no_credential':
      return 'signed out';
    case 'rejected':
      return 'token rejected';
    case 'unreachable':
      return 'Konnect unreachable';
    case 'expired':
      return 'token expired';
    case 'keychain_unavailable':
      return 'keychain unavailable';
    case undefined:
      return 'unknown';
    default:
      return 'not signed in';
  }
}

/** idOf is the Konnect id a node stands for (for Copy Id). */
export function idOf(n: Node): string | undefined {
  switch (n.kind) {
    case 'token':
      return n.token.id;
    case 'account':
      return n.account.id;
    case 'team':
      return n.team.id;
    case 'user':
      return n.user.id;
    case 'profile':
      return n.status?.organization?.id;
    default:
      return undefined;
  }
}
