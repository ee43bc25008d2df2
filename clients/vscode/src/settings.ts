// settings.ts: the extension's settings are "konnect.*", named like its
// commands ("Konnect: …" in the palette and in the Settings editor).
// Earlier versions used "konnectd.*"; a value set under the old name
// still counts when the new one is not set, so nobody's settings are lost
// (the old names are declared deprecated in package.json).
import * as vscode from 'vscode';

export const section = 'konnect';
export const oldSection = 'konnectd';

function setValue<T>(i: { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined): T | undefined {
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** setting reads konnect.<key>, else the deprecated konnectd.<key>, else the default. */
export function setting<T>(key: string, dflt: T): T {
  const now = vscode.workspace.getConfiguration(section).inspect<T>(key);
  const v = setValue(now);
  if (v !== undefined) return v;
  const old = setValue(vscode.workspace.getConfiguration(oldSection).inspect<T>(key));
  if (old !== undefined) return old;
  return (now?.defaultValue as T | undefined) ?? dflt;
}

/** affects tells whether a configuration change touches key under either name. */
export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration(`${section}.${key}`) || e.affectsConfiguration(`${oldSection}.${key}`);
}
