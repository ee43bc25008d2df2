// documents.ts: every result the extension shows is a read-only
// `konnect:` document served by one TextDocumentContentProvider:
//   konnect:/v2/control-planes?…          Open API Path (api.ts)
//   konnect://find/users matching "cruz"   Find Users / Find Teams
//   konnect://jq/<expression>?<source>     Run jq
// A result is titled by its query (the URI's last path segment), is the
// same document when the same query runs again (refreshed in place, not a
// new tab), and "Konnect: Refresh" re-runs the query behind it. VS Code
// never lets the user edit or save these documents, so no tab is dirty.
import * as vscode from 'vscode';
import { scheme, type ApiDocuments } from './commands/api';

interface Result {
  content: string;
  /** rerun produces the content again (Refresh, a reopened tab after a reload). */
  rerun: () => Promise<string>;
}

export class KonnectDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly results = new Map<string, Result>();

  constructor(readonly api: ApiDocuments) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!uri.authority) return this.api.provideTextDocumentContent(uri);
    const r = this.results.get(uri.toString());
    if (!r) return '// This result is no longer available: run the command again.\n';
    return r.content;
  }

  /**
   * show opens (or refreshes, when it is open already) the document for
   * uri with content, and remembers how to produce it again.
   */
  async show(uri: vscode.Uri, content: string, rerun: () => Promise<string>, language: string, column?: vscode.ViewColumn): Promise<vscode.TextDocument> {
    this.results.set(uri.toString(), { content, rerun });
    const open = vscode.workspace.textDocuments?.find((d) => d.uri.toString() === uri.toString());
    if (open) this.changed.fire(uri);
    const doc = open ?? (await vscode.workspace.openTextDocument(uri));
    if (doc.languageId !== language) await vscode.languages.setTextDocumentLanguage(doc, language);
    await vscode.window.showTextDocument(doc, { preview: false, ...(column ? { viewColumn: column } : {}) });
    return doc;
  }

  /** update replaces a result's content (jq re-run on edit) without focusing it. */
  update(uri: vscode.Uri, content: string): void {
    const r = this.results.get(uri.toString());
    if (!r) return;
    r.content = content;
    this.changed.fire(uri);
  }

  has(uri: vscode.Uri): boolean {
    return this.results.has(uri.toString());
  }

  /** refresh re-runs the query behind a konnect: document. */
  async refresh(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== scheme) throw new Error('the active editor is not a Konnect result');
    if (uri.authority) {
      const r = this.results.get(uri.toString());
      if (!r) throw new Error('this result is no longer available: run the command again');
      r.content = await r.rerun();
    }
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** resultUri names a result: authority is the command, title the tab's title. */
export function resultUri(authority: string, title: string, query = ''): vscode.Uri {
  // A "/" in the title would make it a folder; keep it one segment.
  return vscode.Uri.from({ scheme, authority, path: '/' + title.replace(/\//g, '∕'), query });
}
