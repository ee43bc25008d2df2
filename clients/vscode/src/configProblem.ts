// configProblem.ts: a broken kongctl config file is said once. The daemon
// keeps serving the file's last good content and says so on every answer
// (auth/status warnings) and in profile/didChange's error; repeating that
// as a notification on every refresh would bury it, saying nothing would
// leave the user puzzled why an edit has no effect.
import * as vscode from 'vscode';
import { redact } from './redact';
import type { Log } from './log';

export class ConfigProblem {
  private shown = new Set<string>();

  constructor(private readonly log: Log) {}

  /**
   * show tells the user about problem unless it was already told. The
   * daemon words the same breakage two ways ("config file P: line L, column
   * C: …" and the same with "; using the last good version of the file
   * (invalid since …)"), so the part before that suffix is the key.
   */
  show(problem: string): void {
    const key = problem.split('; using the last good version')[0];
    if (this.shown.has(key)) return;
    this.shown.add(key);
    const text = redact(key);
    this.log.warn(`kongctl config file is invalid: ${text}`);
    void vscode.window
      .showWarningMessage(`Konnect: the kongctl config file is invalid, so its last good version is in use. ${text}`, 'Open Config File', 'Show Log')
      .then((choice) => {
        const file = /^config file (.+?): /.exec(key)?.[1];
        if (choice === 'Open Config File' && file) {
          void vscode.window.showTextDocument(vscode.Uri.file(file));
        } else if (choice === 'Show Log') {
          this.log.show();
        }
      });
  }

  /** clear forgets what was shown: the file loads again. */
  clear(): void {
    this.shown.clear();
  }
}
