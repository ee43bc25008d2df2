// api.ts: Konnect: Open API Path…, `konnectd api` for the editor. A GET of
// any Konnect path opens as a read-only `konnect:` document (a
// TextDocumentContentProvider: VS Code never lets the user edit or save
// it). The URI is the request: its path is the API path, its query the
// API query, and the fragment `paginate` follows every page. The daemon
// picks the host, holds the credential and masks token values.
import * as vscode from 'vscode';
import { profileParam, type Ctx } from '../context';
import { need } from '../ui';

export const scheme = 'konnect';

/** ApiResult is konnect/request's result. */
export interface ApiResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  url: string;
  pages?: number;
  redacted?: boolean;
  warnings?: string[];
}

export interface OpenArgs {
  path?: string;
  paginate?: boolean;
}

/** toUri makes the document URI for an API path ("/v2/control-planes?page[size]=10"). */
export function toUri(apiPath: string, paginate: boolean): vscode.Uri {
  let p = apiPath.trim();
  if (!p.startsWith('/')) p = '/' + p;
  const q = p.indexOf('?');
  const path = q < 0 ? p : p.slice(0, q);
  const query = q < 0 ? '' : p.slice(q + 1);
  return vscode.Uri.from({ scheme, path, query, fragment: paginate ? 'paginate' : '' });
}

function queryParams(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) (out[k] ??= []).push(v);
  return out;
}

/**
 * ApiDocuments serves konnect: URIs. Each open (or revert) sends one
 * konnect/request GET; the answer, pretty-printed, is the document. A
 * 4xx/5xx answer is shown as Konnect's problem body, with a warning.
 */
export class ApiDocuments implements vscode.TextDocumentContentProvider {
  /** last keeps the most recent result per URI, for the command's return value. */
  readonly last = new Map<string, ApiResult>();

  constructor(private readonly ctx: Ctx) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = {
      ...profileParam(),
      method: 'GET',
      path: uri.path,
      ...(uri.query ? { query: queryParams(uri.query) } : {}),
      ...(uri.fragment === 'paginate' ? { paginate: true } : {}),
    };
    const res = await this.ctx.daemon.request<ApiResult>('konnect/request', params);
    this.last.set(uri.toString(), res);
    this.ctx.log.info(`GET ${uri.path}: ${res.status} from ${res.url}${res.pages ? ` (${res.pages} pages)` : ''}`);
    for (const w of res.warnings ?? []) void vscode.window.showWarningMessage(`Konnect: ${w}`);
    if (res.status >= 400) void vscode.window.showWarningMessage(`Konnect answered ${res.status} for GET ${uri.path}.`);
    return JSON.stringify(res.body, null, 2) + '\n';
  }
}

let lastPath = '/v2/control-planes';

export async function openApiPath(ctx: Ctx, docs: ApiDocuments, args: OpenArgs = {}, refresh?: (uri: vscode.Uri) => Promise<void>): Promise<{ document: string; status?: number }> {
  const path =
    args.path ??
    need(
      await vscode.window.showInputBox({
        title: 'Konnect: Open API Path',
        prompt: 'A Konnect API path to GET, with an optional query; add " --paginate" for every page',
        value: lastPath,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().replace(/\s+--paginate$/, '') === '' ? 'enter a path such as /v2/control-planes' : undefined),
      }),
    );
  const paginate = args.paginate ?? /\s--paginate$/.test(path);
  const clean = path.replace(/\s+--paginate$/, '').trim();
  lastPath = clean;
  const uri = toUri(clean, paginate);
  // The same path again is the same tab, fetched again.
  const open = vscode.workspace.textDocuments?.find((d) => d.uri.toString() === uri.toString());
  if (open && refresh) await refresh(uri);
  const doc = open ?? (await vscode.workspace.openTextDocument(uri));
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: false });
  return { document: uri.toString(), status: docs.last.get(uri.toString())?.status };
}
