// statusBar.ts: the status bar item: active profile and organization, a
// warning look when not signed in, and a click that switches profile. It
// asks the daemon (auth/status) rather than caching anything itself.
import * as vscode from 'vscode';
import type { AuthStatus } from './types';
import type { DaemonState } from './daemon';
import { redact } from './redact';
import { vscodeWords } from './errors';

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

  showStatus(st: AuthStatus): void {
    this.last = st;
    if (st.authenticated) {
      const org = st.organization?.name ?? 'unknown organization';
      this.item.text = `$(cloud) ${st.profile} · ${org}`;
      this.item.tooltip = `Konnect profile "${st.profile}" in ${org}` +
        (st.user?.email ? ` as ${st.user.email}` : '') +
        (st.source ? ` (token from ${st.source})` : '') +
        '\nClick to switch profile';
      this.item.backgroundColor = undefined;
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
