// extension.ts: the Konnect extension's entry point. It wires the daemon
// connection, the output channel, the status bar and the commands; every
// Konnect rule lives in konnectd, not here.
import * as vscode from 'vscode';
import { Daemon, errorText, type DaemonSettings } from './daemon';
import { describe } from './errors';
import { redact } from './redact';
import { Log } from './log';
import { StatusBar } from './statusBar';
import { ProgressRouter, guard } from './ui';
import { profileParam, type Ctx } from './context';
import type { AuthStatus, ProfileList, Progress } from './types';
import { signIn, signOut, switchProfile, whoAmI } from './commands/auth';
import { createPersonalToken, createSystemAccountToken, rotateToken } from './commands/tokens';
import { find } from './commands/identity';
import { runJq } from './commands/jq';
import { ApiDocuments, openApiPath, scheme as apiScheme } from './commands/api';

/** The extension's API: what tests (and other extensions) may inspect. Never a secret. */
export interface Api {
  daemon: Daemon;
  log: Log;
  status: StatusBar;
}

function readSettings(version: string): DaemonSettings {
  const c = vscode.workspace.getConfiguration('konnectd');
  return {
    path: c.get<string>('path', ''),
    connection: c.get<string>('connection', 'stdio') === 'socket' ? 'socket' : 'stdio',
    socketPath: c.get<string>('socketPath', ''),
    args: c.get<string[]>('args', []),
    env: c.get<Record<string, string>>('env', {}),
    clientVersion: version,
  };
}

export function activate(context: vscode.ExtensionContext): Api {
  const version = String(context.extension?.packageJSON?.version ?? '0.0.0');
  const log = new Log();
  const status = new StatusBar();
  const progress = new ProgressRouter();
  let lastDown: string | undefined;
  const daemon = new Daemon(readSettings(version), {
    log: (level, msg) => log[level](msg),
    stderr: (text) => log.daemon(text),
    state: (state, detail) => {
      status.showDaemon(state, detail);
      // A daemon that keeps failing to restart for the same reason says so
      // once, not at every backoff step.
      if (state === 'down' && detail !== lastDown) {
        lastDown = detail;
        void vscode.window.showWarningMessage(`Konnect: konnectd stopped (${redact(detail ?? '')}); restarting it.`, 'Show Log').then(
          (c) => c && log.show(),
        );
      }
      if (state === 'failed') status.showError(`Konnect: ${redact(detail ?? 'konnectd did not start')}`);
      if (state === 'ready') {
        lastDown = undefined;
        void refresh();
      }
    },
  });

  async function refresh(): Promise<void> {
    try {
      status.showStatus(await daemon.request<AuthStatus>('auth/status', profileParam()));
    } catch (err) {
      const u = describe(err, 'Konnect status');
      log.warn(u.message);
      status.showError(u.message);
    }
  }

  daemon.onNotification('profile/didChange', (p: ProfileList) => {
    log.info(`profiles changed: ${p.profiles.join(', ')} (active ${p.active})${p.error ? '; config error: ' + p.error : ''}`);
    void refresh();
  });
  daemon.onNotification('$/progress', (p: Progress) => progress.dispatch(p));

  const ctx: Ctx = { daemon, log, progress, refresh };
  const apiDocs = new ApiDocuments(ctx);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(apiScheme, apiDocs));
  const commands: Record<string, (...args: any[]) => Promise<unknown>> = {
    'konnect.signIn': guard(log, 'Sign in', (a?) => signIn(ctx, a)),
    'konnect.signOut': guard(log, 'Sign out', (a?) => signOut(ctx, a)),
    'konnect.switchProfile': guard(log, 'Switch profile', (a?) => switchProfile(ctx, a)),
    'konnect.whoAmI': guard(log, 'Who am I', () => whoAmI(ctx)),
    'konnect.createPersonalToken': guard(log, 'Create personal access token', (a?) => createPersonalToken(ctx, a)),
    'konnect.createSystemAccountToken': guard(log, 'Create system account token', (a?) => createSystemAccountToken(ctx, a)),
    'konnect.rotateToken': guard(log, 'Rotate token', (a?) => rotateToken(ctx, a)),
    'konnect.findUsers': guard(log, 'Find users', (a?) => find(ctx, 'users', a)),
    'konnect.findTeams': guard(log, 'Find teams', (a?) => find(ctx, 'teams', a)),
    'konnect.runJq': guard(log, 'Run jq', (a?) => runJq(ctx, a)),
    'konnect.openApiPath': guard(log, 'Open API path', (a?) => openApiPath(ctx, apiDocs, a)),
    'konnect.showLog': async () => log.show(),
    'konnect.restartDaemon': guard(log, 'Restart konnectd', () => daemon.restart('asked from the command palette')),
  };
  for (const [id, fn] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  }

  context.subscriptions.push(
    log,
    status,
    { dispose: () => daemon.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['path', 'connection', 'socketPath', 'args', 'env'].some((k) => e.affectsConfiguration(`konnectd.${k}`))) {
        daemon.reconfigure(readSettings(version)).catch((err) => log.error(`restart failed: ${errorText(err)}`));
      } else if (e.affectsConfiguration('konnectd.profile')) {
        void refresh();
      }
    }),
  );

  // Connect now so the status bar is right from the start; failures are
  // shown once with what to do, and the next command tries again.
  daemon.connection().catch((err) => {
    const u = describe(err, 'Konnect');
    log.error(u.message);
    status.showError(u.message);
    void vscode.window.showErrorMessage(u.message, 'Open Settings', 'Show Log').then((c) => {
      if (c === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'konnectd.');
      if (c === 'Show Log') log.show();
    });
  });

  return { daemon, log, status };
}

export function deactivate(): void {
  // Disposables registered in activate stop the daemon.
}
