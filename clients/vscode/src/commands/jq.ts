// jq.ts: Run jq on the Active JSON Editor. The daemon evaluates (kongctl's
// result rules); the answer opens in a new editor beside the input.
// Limit: the input is parsed here and re-serialised for JSON-RPC, so
// integers beyond 2^53 lose precision on the way.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { need } from '../ui';

export interface JqArgs {
  expression?: string;
  rawOutput?: boolean;
}

let lastExpression = '.';

export async function runJq(ctx: Ctx, args: JqArgs = {}): Promise<{ document: string }> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new Error('open a JSON file first: jq runs on the active editor');
  const text = editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    throw new Error(`the active editor does not hold valid JSON (${(err as Error).message}); select a JSON value or fix the file`);
  }
  const expression =
    args.expression ??
    need(
      await vscode.window.showInputBox({
        title: 'Konnect: Run jq',
        prompt: `jq expression for ${vscode.workspace.asRelativePath(editor.document.uri)}`,
        value: lastExpression,
        ignoreFocusOut: true,
      }),
    );
  lastExpression = expression;
  const result = await ctx.daemon.request<unknown>('jq/eval', { expression, input, rawOutput: args.rawOutput ?? false });
  const raw = args.rawOutput === true;
  const content = raw && typeof result === 'string' ? result : JSON.stringify(result, null, 2) + '\n';
  const doc = await vscode.workspace.openTextDocument({ language: raw ? 'plaintext' : 'json', content });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return { document: doc.uri.toString() };
}
