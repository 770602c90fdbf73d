/** The one format of model version ids, for versions trained anywhere (worker, gateway, CLI). */
import { randomUUID } from 'node:crypto';

/** `popularity@2026-11-22T10:00:00.000Z-1a2b3c4d`: says what and when, and unique across processes. */
export function modelVersionId(strategy: string, trainedAt: Date): string {
  return `${strategy}@${trainedAt.toISOString()}-${randomUUID().slice(0, 8)}`;
}
