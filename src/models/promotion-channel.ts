/**
 * How gateways learn of a promotion at once: a Redis pub/sub message per promotion. It is
 * only a hint (the model store is the truth, and gateways also poll it), so a message lost
 * while Redis was away costs a polling interval, never a wrong model.
 */
import type { Redis } from 'ioredis';
import { isJsonObject, parseJson } from '../json-value.js';

export interface PromotionMessage {
  readonly strategy: string;
  readonly versionId: string;
}

export const promotionChannel = (prefix: string): string => `${prefix}:models:promoted`;

/** Where `cancelJob` tells every worker to abort a running job (the message is its id). */
export const jobCancelChannel = (prefix: string): string => `${prefix}:jobs:cancel`;

export async function publishPromotion(connection: Redis, prefix: string, message: PromotionMessage): Promise<void> {
  await connection.publish(promotionChannel(prefix), JSON.stringify(message));
}

function parseMessage(raw: string): PromotionMessage | null {
  // A foreign message on our channel (not JSON, or another shape) is ignored.
  const parsed = parseJson(raw);
  const value = parsed.ok ? parsed.value : null;
  if (isJsonObject(value) && typeof value.strategy === 'string' && typeof value.versionId === 'string') {
    return { strategy: value.strategy, versionId: value.versionId };
  }
  return null;
}

/** Subscribes `connection` (which becomes a subscriber-only connection). Returns unsubscribe. */
export async function subscribePromotions(connection: Redis, prefix: string, onMessage: (message: PromotionMessage) => void): Promise<() => Promise<void>> {
  const channel = promotionChannel(prefix);
  connection.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const message = parseMessage(raw);
    if (message) onMessage(message);
  });
  await connection.subscribe(channel);
  return async () => {
    await connection.unsubscribe(channel).catch(() => {});
  };
}
