// jq.ts: Run jq on the Active JSON Editor. The daemon evaluates (kongctl's
// result rules); the answer opens beside the input as a read-only
// konnect: document titled by the expression (the same tab for the same
// expression on the same file). Expressions are remembered (the last 20,
// in the extension's global state) and offered first. With follow (the
// "…and Follow Edits" command) the result is re-run as the input is
// edited, until either document is closed.
// Limit: the input is parsed here and re-serialised for JSON-RPC, so
// integers beyond 2^53 lose precision on the way.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { resultUri, type KonnectDocuments } from '../documents';
import { need } from '../ui';

export interface JqArgs {
  expression?: string;
  rawOutput?: boolean;
  /** re-run whenever the input document changes */
  follow?: boolean;
}

const historyKey = 'konnect.jqHistory';
const historyMax = 20;
let memory: string[] = [];

function history(ctx: Ctx): string[] {
  return ctx.ext?.globalState ? ctx.ext.globalState.get<string[]>(historyKey, []) : memory;
}

async function remember(ctx: Ctx, expression: string): Promise<void> {
  const next = [expression, ...history(ctx).filter((e) => e !== expression)].slice(0, historyMax);
  memory = next;
  await ctx.ext?.globalState?.update(historyKey, next);
}

async function askExpression(ctx: Ctx, file: string): Promise<string> {
  const past = history(ctx);
  const fresh = { label: '$(add) New expression…', expression: undefined as string | undefined };
  let value = past[0] ?? '.';
  if (past.length > 0) {
    const pick = need(
      await vscode.window.showQuickPick([fresh, ...past.map((e) => ({ label: e, expression: e as string | undefined }))], {
        title: 'Konnect: Run jq: recent expressions',
        placeHolder: `run one again on ${file}, or write a new one`,
        ignoreFocusOut: true,
      }),
    );
    if (pick.expression !== undefined) return pick.expression;
  }
  value = value || '.';
  return need(
    await vscode.window.showInputBox({
      title: 'Konnect: Run jq',
      prompt: `jq expression for ${file}`,
      value,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Enter a jq expression, such as .' : undefined),
    }),
  );
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`the active editor does not hold valid JSON (${(err as Error).message}); select a JSON value or fix the file`);
  }
}

const followers = new Map<string, vscode.Disposable>();

export async function runJq(ctx: Ctx, docs: KonnectDocuments, args: JqArgs = {}): Promise<{ document: string; following?: boolean }> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new Error('open a JSON file first: jq runs on the active editor');
  const source = editor.document;
  const selection = editor.selection.isEmpty ? undefined : editor.selection;
  const read = () => (selection ? source.getText(selection) : source.getText());
  const input = parse(read());
  const expression = args.expression ?? (await askExpression(ctx, vscode.workspace.asRelativePath(source.uri)));
  await remember(ctx, expression);
  const raw = args.rawOutput === true;
  const evaluate = async (value: unknown): Promise<string> => {
    const result = await ctx.daemon.request<unknown>('jq/eval', { expression, input: value, rawOutput: raw });
    return raw && typeof result === 'string' ? result : JSON.stringify(result, null, 2) + '\n';
  };
  const content = await evaluate(input);
  const uri = resultUri('jq', `jq ${expression.length > 60 ? expression.slice(0, 59) + '…' : expression}`, new URLSearchParams({ source: source.uri.toString(), raw: String(raw) }).toString());
  const doc = await docs.show(uri, content, () => evaluate(parse(read())), raw ? 'plaintext' : 'json', vscode.ViewColumn.Beside);
  if (args.follow) follow(ctx, docs, source, uri, read, evaluate);
  return { document: doc.uri.toString(), ...(args.follow ? { following: true } : {}) };
}

/** follow re-runs the expression (debounced) on every edit of source, until either document closes. */
function follow(ctx: Ctx, docs: KonnectDocuments, source: vscode.TextDocument, uri: vscode.Uri, read: () => string, evaluate: (v: unknown) => Promise<string>): void {
  const key = uri.toString();
  followers.get(key)?.dispose();
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
  const rerun = async () => {
    const mine = ++seq;
    let text: string;
    try {
      text = await evaluate(parse(read()));
    } catch (err) {
      // An edit in progress is often not JSON yet: say so in the result, keep following.
      text = `// jq did not run on the current text: ${String((err as Error)?.message ?? err)}\n`;
    }
    if (mine === seq) docs.update(uri, text);
  };
  const subs = [
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== source.uri.toString()) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void rerun(), 300);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.toString() === key || d.uri.toString() === source.uri.toString()) stop.dispose();
    }),
  ];
  const stop = {
    dispose: () => {
      if (timer) clearTimeout(timer);
      subs.forEach((s) => s.dispose());
      followers.delete(key);
    },
  };
  followers.set(key, stop);
  ctx.log.info(`jq: following edits of ${vscode.workspace.asRelativePath(source.uri)}`);
}

/** stopFollowing ends every follow (deactivation). */
export function stopFollowing(): void {
  for (const f of [...followers.values()]) f.dispose();
}
