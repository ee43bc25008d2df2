// log.ts: the "Konnect" output channel. Every line passes through redact,
// whether it comes from the extension or from the daemon's stderr.
import * as vscode from 'vscode';
import { redact } from './redact';

export class Log implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;
  /**
   * The last lines written, as written (already redacted). The output
   * channel's text cannot be read back through the VS Code API, so tests
   * read this to prove no secret reached the channel.
   */
  readonly recent: string[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel('Konnect');
  }

  info(msg: string): void {
    this.line('info', msg);
  }

  warn(msg: string): void {
    this.line('warn', msg);
  }

  error(msg: string): void {
    this.line('error', msg);
  }

  /** daemon appends the daemon's own stderr, which is already redacted at the source. */
  daemon(text: string): void {
    for (const l of text.split(/\r?\n/)) {
      if (l.trim() !== '') this.append(redact('[konnectd] ' + l));
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private line(level: string, msg: string): void {
    this.append(redact(`[${new Date().toISOString()}] ${level}: ${msg}`));
  }

  private append(line: string): void {
    this.channel.appendLine(line);
    this.recent.push(line);
    if (this.recent.length > 2000) this.recent.splice(0, this.recent.length - 2000);
  }
}
