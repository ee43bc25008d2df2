// extension.ts: the Konnect extension's entry point. It wires the daemon
// connection, the output channel, the status bar, the context keys that
// `when` clauses read, and the commands; every Konnect rule lives in
// konnectd, not here.
import * as vscode from 'vscode';
import { Daemon, errorText, type DaemonSettings } from './daemon';
import { describe } from './errors';
import { redact } from './redact';
import { Log } from './log';
import { StatusBar } from './statusBar';
import { ProgressRouter, guard, showError } from './ui';
import { chooseProfile, profileParam, useWorkspaceState, type Ctx } from './context';
import type { AuthStatus, ProfileList, Progress, TokenExpiring } from './types';
import { signIn, signOut, switchProfile, whoAmI } from './commands/auth';
import { createPersonalToken, createSystemAccountToken, deleteToken, rotateToken } from './commands/tokens';
import { find } from './commands/identity';
import { runJq, stopFollowing } from './commands/jq';
import { ApiDocuments, openApiPath, scheme as apiScheme } from './commands/api';
import { KonnectDocuments } from './documents';
import { rescue } from './rescue';
import { clearTerminalEnv, openExecTerminal } from './secrets';
import { affects, setting } from './settings';
import { KonnectTree, idOf, viewId, type Node } from './tree';
import { KonnectAuth, providerId } from './authProvider';
import { ConfigProblem } from './configProblem';

/** The extension's API: what tests (and other extensions) may inspect. Never a secret. */
export interface Api {
  daemon: Daemon;
  log: Log;
  status: StatusBar;
  /** the context keys last set (konnect.daemonReady, konnect.signedIn, …) */
  contextKeys: Record<string, unknown>;
  /** the Konnect view's data provider */
  tree: KonnectTree;
  /** the "konnect" authentication provider */
  auth: KonnectAuth;
}

function readSettings(version: string): DaemonSettings {
  return {
    path: setting<string>('path', ''),
    connection: setting<string>('connection', 'stdio') === 'socket' ? 'socket' : 'stdio',
    socketPath: setting<string>('socketPath', ''),
    args: setting<string[]>('args', []),
    env: setting<Record<string, string>>('env', {}),
    clientVersion: version,
  };
}

export function activate(context: vscode.ExtensionContext): Api {
  const version = String(context.extension?.packageJSON?.version ?? '0.0.0');
  const log = new Log();
  const status = new StatusBar();
  const configProblem = new ConfigProblem(log);
  const progress = new ProgressRouter();
  const contextKeys: Record<string, unknown> = {};
  const setKey = (key: string, value: unknown) => {
    if (contextKeys[key] === value) return;
    contextKeys[key] = value;
    void vscode.commands.executeCommand('setContext', key, value);
  };
  setKey('konnect.daemonReady', false);
  setKey('konnect.signedIn', false);
  setKey('konnect.hasCredential', false);
  useWorkspaceState(context.workspaceState);
  const listeners: ((st: AuthStatus | undefined) => void)[] = [];

  let lastDown: string | undefined;
  const daemon = new Daemon(readSettings(version), {
    log: (level, msg) => log[level](msg),
    stderr: (text) => log.daemon(text),
    state: (state, detail) => {
      status.showDaemon(state, detail);
      setKey('konnect.daemonReady', state === 'ready');
      // A daemon that keeps failing to restart for the same reason says so
      // once, not at every backoff step.
      if (state === 'down' && detail !== lastDown) {
        lastDown = detail;
        void vscode.window.showWarningMessage(`Konnect: konnectd stopped (${redact(detail ?? '')}); restarting it.`, 'Show Log').then(
          (c) => c && log.show(),
        );
      }
      if (state === 'failed') {
        setKey('konnect.signedIn', false);
        status.showError(`Konnect: ${redact(detail ?? 'konnectd did not start')}`);
      }
      if (state === 'ready') {
        lastDown = undefined;
        void refresh();
      }
    },
  });

  async function refresh(): Promise<void> {
    try {
      const st = await daemon.request<AuthStatus>('auth/status', profileParam());
      st.warnings?.filter((w) => w.startsWith('config file ')).forEach((w) => configProblem.show(w));
      status.showStatus(st);
      setKey('konnect.signedIn', st.authenticated);
      setKey('konnect.hasCredential', st.source === 'keychain');
      listeners.forEach((l) => l(st));
    } catch (err) {
      const u = describe(err, 'Konnect status');
      log.warn(u.message);
      status.showError(u.message);
      setKey('konnect.signedIn', false);
      listeners.forEach((l) => l(undefined));
    }
  }

  daemon.onNotification('profile/didChange', (p: ProfileList) => {
    log.info(`profiles changed: ${p.profiles.join(', ')} (active ${p.active})${p.error ? '; config error: ' + p.error : ''}`);
    if (p.error) {
      configProblem.show(p.error);
    } else {
      configProblem.clear(); // fixed: a later breakage is news again
    }
    void refresh();
  });
  daemon.onNotification('$/progress', (p: Progress) => progress.dispatch(p));
  // The daemon's expiry watch: each threshold once per token, so each is
  // worth a notification; the status bar and the view then show it too.
  daemon.onNotification('token/expiring', (p: TokenExpiring) => {
    log.warn(`token expiring: ${redact(p.message)}`);
    void vscode.window.showWarningMessage(`Konnect: ${redact(p.message)}`, 'Rotate Token').then((choice) => {
      if (choice === 'Rotate Token') void vscode.commands.executeCommand('konnect.rotateToken');
    });
    void refresh();
  });

  const ctx: Ctx = { daemon, log, progress, refresh, ext: context };
  const apiDocs = new ApiDocuments(ctx);
  const docs = new KonnectDocuments(apiDocs);
  context.subscriptions.push(docs, vscode.workspace.registerTextDocumentContentProvider(apiScheme, docs));
  const saved = (err: unknown, what: string) => rescue(ctx, err, what);
  const tree = new KonnectTree(ctx);
  listeners.push(() => tree.refresh());
  context.subscriptions.push(tree, vscode.window.createTreeView(viewId, { treeDataProvider: tree, showCollapseAll: true }));
  const auth = new KonnectAuth(
    ctx,
    async (profile) => vscode.commands.executeCommand('konnect.signIn', { profile }),
    async (profile) => vscode.commands.executeCommand('konnect.signOut', { profile, confirm: true }),
  );
  listeners.push(() => void auth.statusChanged());
  context.subscriptions.push(
    auth,
    vscode.authentication.registerAuthenticationProvider(providerId, 'Konnect', auth, { supportsMultipleAccounts: true }),
  );
  const tokenArgs = (n: Node) =>
    n.kind === 'token'
      ? { profile: n.profile, kind: n.token.type, id: n.token.id, ...(n.token.system_account_id ? { systemAccountId: n.token.system_account_id } : {}) }
      : undefined;
  const commands: Record<string, (...args: any[]) => Promise<unknown>> = {
    'konnect.signIn': guard(log, 'Sign in', (a?) => signIn(ctx, a)),
    'konnect.signOut': guard(log, 'Sign out', (a?) => signOut(ctx, a)),
    'konnect.switchProfile': guard(log, 'Switch profile', (a?) => switchProfile(ctx, a)),
    'konnect.whoAmI': guard(log, 'Who am I', () => whoAmI(ctx)),
    'konnect.createPersonalToken': guard(log, 'Create personal access token', (a?) => createPersonalToken(ctx, a), saved),
    'konnect.createSystemAccountToken': guard(log, 'Create system account token', (a?) => createSystemAccountToken(ctx, a), saved),
    'konnect.rotateToken': guard(log, 'Rotate token', (a?) => rotateToken(ctx, a), saved),
    'konnect.deleteToken': guard(log, 'Delete token', (a?) => deleteToken(ctx, a)),
    'konnect.findUsers': guard(log, 'Find users', (a?) => find(ctx, docs, 'users', a)),
    'konnect.findTeams': guard(log, 'Find teams', (a?) => find(ctx, docs, 'teams', a)),
    'konnect.runJq': guard(log, 'Run jq', (a?) => runJq(ctx, docs, a)),
    'konnect.runJqFollow': guard(log, 'Run jq', (a?) => runJq(ctx, docs, { ...a, follow: true })),
    'konnect.openApiPath': guard(log, 'Open API path', (a?) => openApiPath(ctx, apiDocs, a, (u) => docs.refresh(u))),
    'konnect.refreshDocument': guard(log, 'Refresh', async (u?: vscode.Uri) => {
      const uri = u ?? vscode.window.activeTextEditor?.document.uri;
      if (!uri) throw new Error('open a Konnect result first');
      await docs.refresh(uri);
      return { document: uri.toString() };
    }),
    'konnect.openTerminal': guard(log, 'Open terminal', async (a?: { profile?: string }) => {
      const profile = a?.profile ?? profileParam().profile ?? (await daemon.request<ProfileList>('profile/list', {})).active;
      const bin = setting<string>('path', '').trim() || 'konnectd';
      const term = openExecTerminal(bin, profile);
      return { terminal: term.name, profile };
    }),
    'konnect.clearTerminalToken': guard(log, 'Remove token from terminals', async () => {
      const had = clearTerminalEnv(context);
      setKey('konnect.terminalToken', false);
      void vscode.window.showInformationMessage(
        had
          ? 'Konnect: KONNECT_TOKEN is no longer set in new terminals. Close the terminals that have it to drop it there too.'
          : 'Konnect: no token was set for new terminals.',
      );
      return { removed: had };
    }),
    // The Konnect view's inline and context actions; each gets the node.
    'konnect.view.refresh': async () => tree.refresh(),
    'konnect.view.loadMore': async (n: Node) => tree.loadMore(n.profile),
    'konnect.view.copyId': guard(log, 'Copy id', async (n: Node) => {
      const id = idOf(n);
      if (!id) throw new Error('this item has no Konnect id');
      await vscode.env.clipboard.writeText(id);
      void vscode.window.showInformationMessage(`Konnect: copied the id ${id}.`);
      return { id };
    }),
    'konnect.view.rotate': guard(log, 'Rotate token', (n: Node, a?: object) => rotateToken(ctx, { ...tokenArgs(n), ...a }), saved),
    'konnect.view.delete': guard(log, 'Delete token', (n: Node, a?: object) => deleteToken(ctx, { ...tokenArgs(n), ...a })),
    'konnect.view.createToken': guard(log, 'Create token', (n: Node, a?: object) =>
      n.kind === 'account'
        ? createSystemAccountToken(ctx, { profile: n.profile, systemAccountId: n.account.id, ...a })
        : createPersonalToken(ctx, { profile: n.profile, ...a }),
    saved),
    'konnect.view.find': guard(log, 'Find', (n: Node, a?: object) =>
      find(ctx, docs, n.kind === 'group' && n.group === 'teams' ? 'teams' : 'users', { profile: n.profile, ...a }),
    ),
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
    { dispose: () => stopFollowing() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['path', 'connection', 'socketPath', 'args', 'env'].some((k) => affects(e, k))) {
        daemon.reconfigure(readSettings(version)).catch((err) => log.error(`restart failed: ${errorText(err)}`));
      } else if (affects(e, 'profile')) {
        // An edited setting is the newest choice: it beats Switch Profile's.
        void chooseProfile(undefined).then(() => refresh());
      }
    }),
  );

  // Connect now so the status bar is right from the start; failures are
  // shown once with what to do, and the next command tries again.
  daemon.connection().catch((err) => {
    const u = describe(err, 'Konnect');
    status.showError(u.message);
    showError(log, u);
  });

  return { daemon, log, status, contextKeys, tree, auth };
}

export function deactivate(): void {
  // Disposables registered in activate stop the daemon.
}
