// custody.ts: which Konnect token is which profile's credential. The
// daemon keeps a record per keychain entry (keychain/list, auth/status's
// `stored`), with the Konnect token id when konnectd created the token. A
// token pasted at Sign In has no known id (Konnect does not tell a token
// its own id), so for it the pickers say so instead of guessing.
import { profileParam, type Ctx } from './context';
import type { AuthStatus, Listing, StoredEntry, TokenInfo } from './types';

export interface Custody {
  /** Konnect token id → the profiles whose keychain credential it is */
  byToken: Map<string, string[]>;
  /** the profile in use, and its credential's token id when known */
  profile: string;
  signedInId?: string;
  /** true when the profile's credential is in the keychain but its token id is unknown */
  unknownId: boolean;
}

export async function custody(ctx: Ctx, profile: { profile?: string } = profileParam()): Promise<Custody> {
  const [list, status] = await Promise.all([
    ctx.daemon.request<Listing<StoredEntry>>('keychain/list', {}).catch((err) => {
      ctx.log.warn(`keychain/list: ${String((err as Error)?.message ?? err)}`);
      return { data: [] as StoredEntry[] };
    }),
    ctx.daemon.request<AuthStatus>('auth/status', profile),
  ]);
  const byToken = new Map<string, string[]>();
  for (const e of list.data ?? []) {
    if (e.space !== 'profile' || !e.token_id || e.present === false) continue;
    const p = e.name ?? e.profile ?? '';
    byToken.set(e.token_id, [...(byToken.get(e.token_id) ?? []), p]);
  }
  const signedInId = status.source === 'keychain' ? status.stored?.token_id || undefined : undefined;
  return {
    byToken,
    profile: status.profile,
    signedInId,
    unknownId: status.source === 'keychain' && !signedInId,
  };
}

/** mark is what a picker shows beside a token that is a profile's credential. */
export function mark(c: Custody, t: TokenInfo): string | undefined {
  const profiles = t.id ? c.byToken.get(t.id) : undefined;
  if (!profiles?.length) return undefined;
  if (profiles.includes(c.profile)) return `$(account) signed in with this (profile "${c.profile}")`;
  return `$(key) credential of profile ${profiles.map((p) => `"${p}"`).join(', ')}`;
}
