// ui.ts: the extension's shared plumbing between commands and the daemon:
// running a command with errors turned into actionable messages, and
// routing $/progress to the notification of the listing that asked.
import * as vscode from 'vscode';
import { describe, type UserError } from './errors';
import type { Log } from './log';
import type { Progress } from './types';

/** Cancelled is thrown when the user dismisses a prompt: the command ends silently. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** need returns v or throws Cancelled when a prompt was dismissed. */
export function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Cancelled();
  return v;
}

/**
 * guard runs a command body. Errors are logged and shown with the next step
 * the code suggests; the error is returned (not thrown) so tests calling
 * the command through executeCommand can see what happened.
 */
export function guard<A extends unknown[], R>(
  log: Log,
  what: string,
  body: (...args: A) => Promise<R>,
  rescue?: (err: unknown, what: string) => Promise<boolean>,
): (...args: A) => Promise<R | { error: string; code?: number; rescued?: boolean } | undefined> {
  return async (...args: A) => {
    try {
      return await body(...args);
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      const code = (err as { code?: unknown })?.code;
      const u = describe(err, what);
      if (u.quiet) return undefined;
      // A failure that carries a created token's secret is handed to the user, not dropped.
      if (rescue && (await rescue(err, what).catch(() => false))) {
        return { error: u.message, code: typeof code === 'number' ? code : undefined, rescued: true };
      }
      showError(log, u);
      return { error: u.message, code: typeof code === 'number' ? code : undefined };
    }
  };
}

/** showError logs a described error (with its log-only detail) and shows it with buttons that act. */
export function showError(log: Log, u: UserError): void {
  log.error(u.message + (u.logDetail ? ` [${u.logDetail}]` : ''));
  const pick = vscode.window.showErrorMessage(u.message, ...u.actions.map((a) => a.label));
  // Do not hold the command open on the user's reading the message.
  void Promise.resolve(pick).then((choice) => {
    const a = u.actions.find((x) => x.label === choice);
    if (a) void vscode.commands.executeCommand(a.command, ...(a.args ?? []));
  });
}

type ProgressSink = (p: Progress) => void;

/**
 * ProgressRouter hands $/progress notifications to the listing waiting for
 * them. Limit: vscode-jsonrpc does not expose a request's id, so the
 * newest listing gets every report; listings are started one at a time
 * from the UI, so in practice that is the right one.
 */
export class ProgressRouter {
  private sinks: ProgressSink[] = [];

  dispatch(p: Progress): void {
    this.sinks[this.sinks.length - 1]?.(p);
  }

  /** listen returns a function that stops listening. */
  listen(sink: ProgressSink): () => void {
    this.sinks.push(sink);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }
}
