/**
 * What a browser sees at /graphql when GraphiQL is off (production): a short page saying
 * what the endpoint is and how to use it, instead of yoga's bare "Must provide query string."
 */
import { shouldRenderGraphiQL, type Plugin } from 'graphql-yoga';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recgate</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; line-height: 1.5">
<h1>recgate GraphQL endpoint</h1>
<p>This address answers programs: send a GraphQL query as JSON (POST, or GET with <code>?query=</code>)
with an API key in the <code>Authorization: Bearer &lt;key&gt;</code> header. Create a key with
<code>npx recgate keys create --scope client</code>.</p>
<pre>curl -s http://HOST/graphql -H 'content-type: application/json' \\
  -H "authorization: Bearer $RECGATE_KEY" \\
  -d '{"query":"{ recommendations(userId: \\"42\\", limit: 5) { impressionId items { item { id title } } } }"}'</pre>
<p>GraphiQL, the in-browser editor, is on only with <code>NODE_ENV=development</code>
(<code>npx recgate demo</code> turns it on). The schema is public: see <code>schema.graphql</code> and the README.</p>
</body></html>
`;

/** Answers a browser's page request at the GraphQL endpoint (GET, Accept: text/html, no query). */
export function useBrowserNotice(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint || url.searchParams.has('query') || !shouldRenderGraphiQL(request)) return;
      const page = PAGE.replace('http://HOST', `${url.protocol}//${url.host}`);
      endResponse(new fetchAPI.Response(page, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }));
    },
  };
}
