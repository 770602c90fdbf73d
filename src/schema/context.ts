import type { ApiKeyInfo } from '../auth/api-keys.js';
import type { GatewayServices } from './gateway-services.js';

/** What every resolver sees: the caller's verified key (if any) and the gateway's services. */
export interface GraphQLContext {
  readonly apiKey: ApiKeyInfo | null;
  readonly services: GatewayServices;
}
