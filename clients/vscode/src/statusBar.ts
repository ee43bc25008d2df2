// statusBar.ts: the status bar item: active profile and organization, a
// warning look when not signed in, and a click that switches profile. It
// asks the daemon (auth/status) rather than caching anything itself.
import * as vscode from 'vscode';
import type { AuthStatus } from './types';
import type { DaemonState } from './daemon';
import { redact } from './redact';
import { vscodeWords } from './errors';

/** the profile's token gets the warning look this many days before it expires (the daemon's last expiry-warn threshold but one) */
export const expiryWarnDays = 7;

/** daysLeft is how many whole days remain until expiresAt (negative once past), or undefined when it is not known. */
export function daysLeft(expiresAt: string | undefined, now: Date): number | undefined {
  if (!expiresAt) return undefined;
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((t - now.getTime()) / 86_400_000);
}

function expiresIn(days: number | undefined): string {
  if (days === undefined) return '';
  if (days < 0) return 'has expired';
  if (days === 0) return 'expires today';
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  /** the last status shown; tests read it through the extension's API */
  last: AuthStatus | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('konnectd.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Konnect';
    this.item.command = 'konnect.switchProfile';
    this.item.text = '$(sync~spin) Konnect';
    this.item.tooltip = 'Konnect: starting konnectd';
    this.item.show();
  }

  showStatus(st: AuthStatus, now: Date = new Date()): void {
    this.last = st;
    if (st.authenticated) {
      const org = st.organization?.name ?? 'unknown organization';
      const left = daysLeft(st.stored?.expires_at, now);
      const soon = left !== undefined && left <= expiryWarnDays;
      this.item.text = `$(${soon ? 'warning' : 'cloud'}) ${st.profile} · ${org}` + (soon ? ` · ${expiresIn(left)}` : '');
      this.item.tooltip = `Konnect profile "${st.profile}" in ${org}` +
        (st.user?.email ? ` as ${st.user.email}` : '') +
        (st.source ? ` (token from ${st.source})` : '') +
        (soon ? `\nThe token ${expiresIn(left)}: rotate it with "Konnect: Rotate Token" (or the view's Rotate) before then.` : '') +
        '\nClick to switch profile';
      this.item.backgroundColor = soon ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else if (st.state === 'unreachable') {
      this.item.text = `$(warning) ${st.profile}: Konnect unreachable`;
      this.item.tooltip = `Konnect profile "${st.profile}": ${redact(st.problem ?? 'Konnect could not be reached')}; the token was not checked.\nClick to switch profile`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (st.source) {
      // A credential exists but Konnect did not accept it: the warnings say why.
      this.item.text = `$(warning) ${st.profile}: not signed in`;
      this.item.tooltip = `Konnect profile "${st.profile}": the token from ${st.source} was not accepted` +
        (st.problem || st.warnings?.length ? ` (${redact(vscodeWords(st.problem ?? st.warnings.join('; ')))})` : '') +
        '. Run "Konnect: Sign In" or check the profile\'s base URL.\nClick to switch profile';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = `$(warning) ${st.profile}: signed out`;
      this.item.tooltip = `Konnect profile "${st.profile}" has no credential. Run "Konnect: Sign In".\nClick to switch profile`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
  }

  showDaemon(state: DaemonState, detail?: string): void {
    if (state === 'down') {
      this.item.text = '$(error) Konnect: daemon restarting';
      this.item.tooltip = `konnectd stopped: ${detail ?? 'unknown reason'}. Restarting; see the Konnect output channel.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (state === 'starting') {
      this.item.text = '$(sync~spin) Konnect';
    }
  }

  showError(message: string): void {
    this.item.text = '$(warning) Konnect';
    this.item.tooltip = message;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  dispose(): void {
    this.item.dispose();
  }
}
