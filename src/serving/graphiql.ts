/**
 * GraphiQL served from the installed `@graphql-yoga/render-graphiql` package: its page
 * carries the editor's script, styles and workers inline, so it works with no internet
 * access (yoga's own page loads them from a CDN). Only with `NODE_ENV=development`.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

/** What GraphiQL shows when it opens (the demo fills both). */
export interface GraphiQLDefaults {
  /** Request headers in the headers editor, e.g. the demo's key. @default an Authorization placeholder */
  readonly headers?: Readonly<Record<string, string>>;
  /** The query in the editor when the browser has none stored. @default GraphiQL's own */
  readonly defaultQuery?: string;
}

export function graphiqlOptions(defaults: GraphiQLDefaults = {}): GraphiQLOptions {
  return {
    title: 'recgate',
    headers: JSON.stringify(defaults.headers ?? { Authorization: 'Bearer <your key>' }, null, 2),
    ...(defaults.defaultQuery === undefined ? {} : { defaultQuery: defaults.defaultQuery }),
    // The key matters: show the headers editor open rather than folded away.
    defaultEditorToolsVisibility: 'headers',
  };
}

/** The page is about 9 MB of inline assets; render it once per set of options. */
export function offlineGraphiQLRenderer(): (options: GraphiQLOptions) => string {
  const pages = new Map<string, string>();
  return (options) => {
    const cacheKey = JSON.stringify(options);
    let page = pages.get(cacheKey);
    if (page === undefined) {
      page = renderGraphiQL(options);
      if (pages.size > 8) pages.clear();
      pages.set(cacheKey, page);
    }
    return page;
  };
}
