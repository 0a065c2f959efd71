import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'graphql-yoga';

export interface GraphiqlOptions {
  /** The GraphQL endpoint the page talks to. @default '/graphql' */
  endpoint?: string;
  /** Where the page's own assets are served. @default '/graphiql/assets' */
  assetsPath?: string;
  /** @default 'modelgate' */
  title?: string;
}

/** The files of @graphql-yoga/graphiql's self-contained build (React included) that the page loads. */
const ASSETS: Readonly<Record<string, string>> = {
  'yoga-graphiql.umd.js': 'text/javascript; charset=utf-8',
  'graphiql.css': 'text/css; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
};

export const GRAPHIQL_DEFAULT_QUERY = `# modelgate: sign in, then paste the accessToken into the Authorization header
# below ("Bearer <accessToken>") and run Predict.

mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    refreshToken
    expiresIn
    user { id email role tier }
  }
}

mutation Predict($modelId: ID!) {
  predict(modelId: $modelId, inputs: [[5.1, 3.5, 1.4, 0.2]]) {
    id
    outputs
    labels
    warnings
    cost
  }
}
`;

/** The page's policy: only our nonce'd scripts; monaco's workers start from blob: URLs it fetched from us. */
export function graphiqlContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // React and monaco set inline styles; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const escapeJsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function page(nonce: string, assets: string, endpoint: string, title: string): string {
  const options = {
    endpoint,
    title,
    query: GRAPHIQL_DEFAULT_QUERY,
    variables: JSON.stringify({ email: 'admin@localhost', password: '', modelId: '' }, null, 2),
    // An empty value reads as "no credential"; the user pastes `Bearer <accessToken>` after login.
    headers: JSON.stringify({ Authorization: '' }, null, 2),
    additionalHeaders: { 'x-graphql-csrf': '1' },
  };
  const workers = {
    editorWorkerService: `${assets}/monacoeditorwork/editor.worker.bundle.js`,
    json: `${assets}/monacoeditorwork/json.worker.bundle.js`,
    graphql: `${assets}/monacoeditorwork/graphql.worker..bundle.js`,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="stylesheet" href="${assets}/graphiql.css">
</head>
<body>
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script nonce="${nonce}">
const workerUrls = ${escapeJsonForScript(workers)};
const workers = {};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => workers[label] };
const prepareWorkers = () => Promise.all(Object.entries(workerUrls).map(async ([label, url]) => {
  const code = await (await fetch(url)).text();
  workers[label] = URL.createObjectURL(new Blob([code], { type: 'application/javascript' }));
}));
</script>
<script nonce="${nonce}" src="${assets}/yoga-graphiql.umd.js"></script>
<script nonce="${nonce}">
prepareWorkers().finally(() => YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${escapeJsonForScript(options)}));
</script>
</body>
</html>`;
}

function distDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
}

/**
 * Why @graphql-yoga/graphiql: it ships a prebuilt, self-contained UMD bundle (GraphiQL, React and
 * monaco with its workers), so nothing is bundled here and nothing is fetched at run time; the
 * `graphiql` package itself ships ESM that needs a bundler and a React copy of our own.
 *
 * GraphiQL from modelgate's own routes: the page on `GET /graphql` asking for HTML, its assets
 * (read from the installed package, never a CDN) under `assetsPath`. Each page gets a fresh
 * nonce and a CSP that allows only its own scripts.
 */
export function useGraphiql(options: GraphiqlOptions = {}): Plugin {
  const endpoint = options.endpoint ?? '/graphql';
  const assetsPath = options.assetsPath ?? '/graphiql/assets';
  const title = options.title ?? 'modelgate';
  const dist = distDirectory();
  const cache = new Map<string, Buffer>();
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname.startsWith(`${assetsPath}/`)) {
        const name = url.pathname.slice(assetsPath.length + 1);
        const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
        if (!type) return;
        let body = cache.get(name);
        if (!body) {
          body = readFileSync(join(dist, name));
          cache.set(name, body);
        }
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : (body as unknown as BodyInit), {
            status: 200,
            headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
          }),
        );
        return;
      }
      // A browser navigating here asks for HTML (GraphiQL keeps the query in `?query=`); API clients never do.
      if (url.pathname === endpoint && request.headers.get('accept')?.includes('text/html')) {
        const nonce = randomBytes(18).toString('base64');
        endResponse(
          new fetchAPI.Response(page(nonce, assetsPath, endpoint, title), {
            status: 200,
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'content-security-policy': graphiqlContentSecurityPolicy(nonce),
            },
          }),
        );
      }
    },
  };
}
