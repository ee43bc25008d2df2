// secrets.ts: the two places in VS Code a token value may go besides the
// keychain. Neither types it anywhere or shows it:
// - the clipboard, cleared after "konnect.clipboardClearSeconds" if it
//   still holds the token (a later copy by the user is left alone);
// - the integrated terminal's environment (EnvironmentVariableCollection),
//   scoped to the workspace folder, described, not persisted across
//   reloads, and removable with "Konnect: Remove Token from Terminals".
//   New terminals get KONNECT_TOKEN; the value never reaches a shell's
//   input line or its history.
import * as vscode from 'vscode';
import { setting } from './settings';

let clearTimer: NodeJS.Timeout | undefined;

/** clearAfterSeconds is the configured delay (0: never clear). */
export function clearAfterSeconds(): number {
  const n = Number(setting<number>('clipboardClearSeconds', 45));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** copySecret puts value on the clipboard and schedules its removal. Returns the delay, or 0. */
export async function copySecret(value: string): Promise<number> {
  await vscode.env.clipboard.writeText(value);
  if (clearTimer) clearTimeout(clearTimer);
  const secs = clearAfterSeconds();
  if (secs > 0) {
    clearTimer = setTimeout(() => {
      clearTimer = undefined;
      void (async () => {
        // Only our own copy is cleared: something the user copied since stays.
        if ((await vscode.env.clipboard.readText()) === value) await vscode.env.clipboard.writeText('');
      })();
    }, secs * 1000);
    clearTimer.unref?.();
  }
  return secs;
}

/** the variable new terminals get */
export const tokenVariable = 'KONNECT_TOKEN';

function collection(ext: vscode.ExtensionContext | undefined): vscode.EnvironmentVariableCollection {
  if (!ext?.environmentVariableCollection) throw new Error('this VS Code has no terminal environment API: choose the clipboard or the keychain');
  const global = ext.environmentVariableCollection;
  // Never written to disk: a reload drops it, like a shell's export would.
  global.persistent = false;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && typeof global.getScoped === 'function' ? global.getScoped({ workspaceFolder: folder }) : global;
}

/**
 * toTerminalEnv sets KONNECT_TOKEN for terminals opened from now on and
 * opens one. Returns the terminal's name.
 */
export function toTerminalEnv(ext: vscode.ExtensionContext | undefined, value: string, label: string): string {
  const c = collection(ext);
  c.description = `${tokenVariable} holds Konnect ${label}. Remove it with "Konnect: Remove Token from Terminals".`;
  c.replace(tokenVariable, value);
  void vscode.commands.executeCommand('setContext', 'konnect.terminalToken', true);
  const term = vscode.window.createTerminal({ name: 'Konnect' });
  term.show();
  return term.name;
}

/** clearTerminalEnv removes KONNECT_TOKEN from terminals opened from now on. */
export function clearTerminalEnv(ext: vscode.ExtensionContext | undefined): boolean {
  const c = collection(ext);
  const had = c.get(tokenVariable) !== undefined;
  c.delete(tokenVariable);
  return had;
}

/**
 * openExecTerminal starts the user's shell under `konnectd exec -p
 * PROFILE`, which takes the profile's credential from the daemon and
 * sets it in the shell's environment (KONNECT_TOKEN, DECK_KONNECT_TOKEN,
 * KONGCTL_<PROFILE>_KONNECT_PAT). The token never passes through VS Code.
 * Limit: konnectd exec asks the shared daemon (its socket), which reads
 * the same keychain but its own config file: with "--config-file" in
 * konnect.args, the profile must exist in the default config too.
 */
export function openExecTerminal(bin: string, profile: string): vscode.Terminal {
  const shell = vscode.env.shell || process.env.SHELL || '/bin/sh';
  const term = vscode.window.createTerminal({
    name: `Konnect (${profile})`,
    shellPath: bin,
    shellArgs: ['exec', '-p', profile, '--', shell],
  });
  term.show();
  return term;
}
