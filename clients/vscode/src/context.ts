// context.ts: what every command needs, in one place.
import * as vscode from 'vscode';
import type { Daemon } from './daemon';
import type { Log } from './log';
import type { ProgressRouter } from './ui';

export interface Ctx {
  daemon: Daemon;
  log: Log;
  progress: ProgressRouter;
  /** refresh re-reads auth/status for the status bar. */
  refresh(): Promise<void>;
}

/** profileParam is the profile chosen in the settings, as a request param ({} = the daemon's active one). */
export function profileParam(): { profile?: string } {
  const p = vscode.workspace.getConfiguration('konnectd').get<string>('profile', '').trim();
  return p ? { profile: p } : {};
}
