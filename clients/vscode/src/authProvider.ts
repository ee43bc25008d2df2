// authProvider.ts: the "konnect" authentication provider. VS Code's
// Accounts menu lists one session per signed-in profile, and other
// extensions can ask for one with the user's consent:
//
//   const s = await vscode.authentication.getSession('konnect', ['profile:default'], { createIfNone: true });
//   fetch(url, { headers: { Authorization: `Bearer ${s.accessToken}` } });
//
// Scopes: every session carries "konnect" and "profile:<name>"; asking
// for ["profile:<name>"] gives that profile's session, an empty list any
// (the profile in use first). The access token is the profile's
// credential, read from the daemon with auth/credential (the privileged
// method: only for the daemon's own user, and audit-logged). It is read
// when VS Code asks for sessions, and when a profile signs in or its
// token changes (to announce the session), never at start-up; signing
// out (here or with Sign Out) removes the session.
import * as vscode from 'vscode';
import { profileParam, type Ctx } from './context';
import type { AuthStatus, ProfileList } from './types';

export const providerId = 'konnect';

interface Credential {
  profile: string;
  token: string;
  source?: string;
}

export class KonnectAuth implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  /** profile → the session last handed to VS Code */
  private known = new Map<string, vscode.AuthenticationSession>();

  constructor(
    private readonly ctx: Ctx,
    private readonly signIn: (profile: string) => Promise<unknown>,
    private readonly signOut: (profile: string) => Promise<unknown>,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  private async signedIn(): Promise<{ profile: string; status: AuthStatus }[]> {
    const list = await this.ctx.daemon.request<ProfileList>('profile/list', {});
    const inUse = profileParam().profile ?? list.active;
    const all = await Promise.all(
      list.profiles.map(async (profile) => ({
        profile,
        status: await this.ctx.daemon.request<AuthStatus>('auth/status', { profile }).catch(() => undefined),
      })),
    );
    return all
      .filter((p): p is { profile: string; status: AuthStatus } => !!p.status?.authenticated)
      .sort((a, b) => Number(b.profile === inUse) - Number(a.profile === inUse));
  }

  private async session(profile: string, st: AuthStatus): Promise<vscode.AuthenticationSession> {
    const cred = await this.ctx.daemon.request<Credential>('auth/credential', { profile });
    const who = st.user?.email ?? st.organization?.name ?? 'Konnect';
    return {
      id: `konnect:${profile}`,
      accessToken: cred.token,
      account: { id: `${profile}:${st.user?.id ?? st.organization?.id ?? ''}`, label: `${who} (${profile})` },
      scopes: ['konnect', `profile:${profile}`],
    };
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const wanted = (scopes ?? []).filter((s) => s.startsWith('profile:')).map((s) => s.slice('profile:'.length));
    const out: vscode.AuthenticationSession[] = [];
    for (const { profile, status } of await this.signedIn()) {
      if (wanted.length && !wanted.includes(profile)) continue;
      out.push(await this.session(profile, status));
    }
    for (const s of out) this.known.set(s.id.slice('konnect:'.length), s);
    this.ctx.log.info(`authentication: ${out.length} Konnect session(s) given to VS Code${wanted.length ? ` for ${wanted.join(', ')}` : ''}`);
    return out;
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const unknown = scopes.filter((s) => s !== 'konnect' && !s.startsWith('profile:'));
    if (unknown.length) throw new Error(`unknown Konnect scope ${unknown.join(', ')}: use "konnect" and "profile:<name>"`);
    const named = scopes.find((s) => s.startsWith('profile:'))?.slice('profile:'.length);
    const profile = named ?? profileParam().profile ?? (await this.ctx.daemon.request<ProfileList>('profile/list', {})).active;
    const res = await this.signIn(profile);
    if (!res || (typeof res === 'object' && 'error' in (res as object))) throw new Error(`not signed in to profile "${profile}"`);
    const st = await this.ctx.daemon.request<AuthStatus>('auth/status', { profile });
    const s = await this.session(profile, st);
    this.known.set(profile, s);
    this.changed.fire({ added: [s], removed: [], changed: [] });
    return s;
  }

  async removeSession(sessionId: string): Promise<void> {
    const profile = sessionId.replace(/^konnect:/, '');
    // VS Code has asked already ("Sign out of …?").
    await this.signOut(profile);
  }

  /**
   * statusChanged is called after every refresh of auth/status: sessions
   * that appeared, went away or changed token are announced.
   */
  async statusChanged(): Promise<void> {
    const now = new Map((await this.signedIn().catch(() => [])).map((p) => [p.profile, p.status]));
    if (!this.primed) {
      // The first status after activation: VS Code asks for the sessions itself, so nothing is read or announced.
      this.primed = true;
      for (const [p, st] of now) this.keys.set(p, credentialKey(st));
      return;
    }
    const removed = [...this.known.entries()].filter(([p]) => !now.has(p)).map(([, s]) => s);
    for (const s of removed) this.known.delete(s.id.slice('konnect:'.length));
    for (const p of [...this.keys.keys()]) if (!now.has(p)) this.keys.delete(p);
    const changed: vscode.AuthenticationSession[] = [];
    const added: vscode.AuthenticationSession[] = [];
    for (const [p, st] of now) {
      const before = this.known.get(p);
      // The token of a known session is compared by the credential's record, not by reading the secret again.
      const key = credentialKey(st);
      const was = this.keys.get(p);
      this.keys.set(p, key);
      if (was === key) continue;
      if (was === undefined && !before) {
        // A profile signed in since VS Code last asked.
        const s = await this.session(p, st).catch(() => undefined);
        if (s) {
          this.known.set(p, s);
          added.push(s);
        }
      } else if (before) {
        // Same profile, another token (a rotation, a new sign-in): VS Code asks again.
        const s = await this.session(p, st).catch(() => undefined);
        if (s) {
          this.known.set(p, s);
          changed.push(s);
        }
      }
    }
    if (removed.length || changed.length || added.length) {
      this.changed.fire({ added: added.length ? added : undefined, removed, changed });
    }
  }

  private readonly keys = new Map<string, string>();
  private primed = false;
}

/** credentialKey tells one credential of a profile from the next without the secret: its record. */
function credentialKey(st: AuthStatus): string {
  return [st.source, st.stored?.token_id, st.stored?.stored_at, st.stored?.expires_at].map((v) => v ?? '').join('|');
}
