/**
 * `/healthz` (the process answers) and `/readyz` (the gateway can serve: its first models
 * are loaded and the database answers), as a yoga plugin so one handler serves every path.
 */
import type { Plugin } from 'graphql-yoga';

export type Readiness = 'ready' | 'starting' | 'database unreachable';

export interface HealthOptions {
  /** What `/readyz` reports; only `ready` answers 200. */
  readonly readiness: () => Promise<Readiness>;
}

export function useHealth(options: HealthOptions): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') return endResponse(fetchAPI.Response.json({ status: 'ok' }));
      if (url.pathname !== '/readyz') return;
      const status = await options.readiness();
      endResponse(fetchAPI.Response.json({ status }, { status: status === 'ready' ? 200 : 503 }));
    },
  };
}
