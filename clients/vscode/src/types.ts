// types.ts: the shapes of the daemon's answers that the extension reads.
// docs/protocol.md is the contract; only fields used here are declared.

export interface User {
  id?: string;
  email?: string;
  full_name?: string;
  preferred_name?: string;
}

export interface Organization {
  id?: string;
  name?: string;
}

export interface ProfileList {
  profiles: string[];
  active: string;
  configFile?: string;
  error?: string;
}

export interface AuthStatus {
  profile: string;
  authenticated: boolean;
  source?: string;
  where?: string;
  keychain?: string;
  /** authenticated, no_credential, keychain_unavailable, rejected, unreachable, expired, error */
  state?: string;
  problem?: string;
  hint?: string;
  /** konnectd's record of a keychain credential (token_id is empty for a token pasted at sign-in) */
  stored?: StoredEntry;
  user?: User;
  organization?: Organization;
  warnings: string[];
}

/** keychain/list's entry: what konnectd stored, never the secret. */
export interface StoredEntry {
  name?: string;
  space?: 'token' | 'profile' | 'recovered' | string;
  account?: string;
  kind?: string;
  token_id?: string;
  token_name?: string;
  profile?: string;
  expires_at?: string;
  stored_at?: string;
  source?: string;
  present?: boolean;
}

/** token/expiring: the daemon's expiry watch crossed a threshold of a stored token (docs/protocol.md). */
export interface TokenExpiring {
  account: string;
  name: string;
  profile?: string;
  kind: string;
  tokenId?: string;
  expiresAt: string;
  daysLeft: number;
  threshold: string;
  expired: boolean;
  message: string;
}

export interface LoginResult {
  profile: string;
  kind: string;
  user?: User;
  organization?: Organization;
  stored: string;
}

export interface LogoutResult {
  profile: string;
  removed: boolean;
  message: string;
}

/** A create's answer: the token itself, unless it was stored in the keychain. */
export interface TokenCreated {
  type: 'pat' | 'spat';
  id?: string;
  name?: string;
  token?: string;
  user_id?: string;
  system_account_id?: string;
  system_account_name?: string;
  state?: string;
  expires_at?: string;
  stored?: { keychain: string; account: string };
}

export interface TokenInfo {
  type: 'pat' | 'spat';
  id?: string;
  name?: string;
  user_id?: string;
  system_account_id?: string;
  system_account_name?: string;
  state?: string;
  expires_at?: string;
  created_at?: string;
}

export interface RotateResult {
  new: TokenCreated;
  old: TokenInfo;
  oldAction: string;
}

export interface Listing<T> {
  data: T[];
  meta?: { total: number; returned: number; warnings?: string[] };
}

export interface Team {
  id?: string;
  name?: string;
  description?: string;
}

export interface SystemAccount {
  id?: string;
  name?: string;
  description?: string;
}

export interface Progress {
  id: number | string;
  done: number;
  total: number;
  /** Set on a notice that counts nothing, such as a retry of an unreachable Konnect. */
  message?: string;
}
