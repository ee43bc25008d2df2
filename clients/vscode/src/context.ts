// context.ts: what every command needs, in one place.
import * as vscode from 'vscode';
import type { Daemon } from './daemon';
import { setting } from './settings';
import type { Log } from './log';
import type { ProgressRouter } from './ui';

export interface Ctx {
  daemon: Daemon;
  log: Log;
  progress: ProgressRouter;
  /** refresh re-reads auth/status for the status bar (and the Konnect view). */
  refresh(): Promise<void>;
  /** the extension's context, for workspace state and the terminal environment */
  ext?: vscode.ExtensionContext;
}

/**
 * The profile chosen with Switch Profile lives in the extension's
 * workspace state, so it never lands in the user's .vscode/settings.json.
 * The "konnect.profile" setting is for users who want the choice
 * committed; editing it clears the stored choice (the newest act wins).
 */
const stateKey = 'konnect.profile';
let state: vscode.Memento | undefined;

export function useWorkspaceState(m: vscode.Memento | undefined): void {
  state = m;
}

export function chosenProfile(): string | undefined {
  const s = state?.get<string>(stateKey)?.trim();
  return s || undefined;
}

export async function chooseProfile(p: string | undefined): Promise<void> {
  await state?.update(stateKey, p);
}

/** profileParam is the profile chosen (workspace state, else the setting), as a request param ({} = the daemon's active one). */
export function profileParam(): { profile?: string } {
  const p = chosenProfile() ?? setting<string>('profile', '').trim();
  return p ? { profile: p } : {};
}
