/**
 * Without Redis: what needs it says so with a coded error, and a gateway whose Redis is
 * unreachable keeps serving recommendations with the models it has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorker } from '../../src/cli/run-worker.js';
import { createTestGateway, errorCode, type TestGateway } from '../support/test-gateway.js';
import { seedMovieTweetings } from './fixtures.js';

/** Nothing listens on port 1: connections are refused at once. */
const DEAD_REDIS = 'redis://127.0.0.1:1';

describe('when Redis is absent', () => {
  it('the worker command needs REDIS_URL, and says when Redis does not answer', async () => {
    await expect(runWorker({ concurrency: '1' }, { RECGATE_META_POLICY: 'off' })).rejects.toMatchObject({ code: 'RG_ERR_REDIS_REQUIRED' });
    await expect(runWorker({ concurrency: '1' }, { REDIS_URL: DEAD_REDIS, RECGATE_META_POLICY: 'off' })).rejects.toMatchObject({
      code: 'RG_ERR_REDIS_UNAVAILABLE',
    });
    await expect(runWorker({ concurrency: '1', queues: 'train,nope' }, { REDIS_URL: DEAD_REDIS, RECGATE_META_POLICY: 'off' })).rejects.toMatchObject({
      code: 'RG_ERR_QUEUE_UNKNOWN',
    });
  });

  describe('a gateway configured with an unreachable Redis', () => {
    let t: TestGateway;
    beforeAll(async () => {
      t = await createTestGateway('sqlite', { REDIS_URL: DEAD_REDIS, RECGATE_META_POLICY: 'off' });
      await seedMovieTweetings(t.database.db, 500);
      await t.gateway.refresh();
    });
    afterAll(() => t?.close());

    it('keeps serving, and job operations fail fast with RG_ERR_REDIS_UNAVAILABLE', async () => {
      const r = await t.gql('{ recommendations(userId: "someone", limit: 3) { strategy items { item { id } } } }', {}, t.clientKey);
      expect(r.errors).toBeUndefined();
      expect(r.data!.recommendations.items).toHaveLength(3);
      const queued = await t.gql('mutation { trainStrategy(name: "popularity") { id } }');
      expect(errorCode(queued)).toBe('RG_ERR_REDIS_UNAVAILABLE');
      expect(queued.errors![0]!.message).toContain('redis://127.0.0.1:1');
    });

    it("refuses deleteUser while the user's adapted state in Redis cannot be deleted, and deletes nothing", async () => {
      const user = (await t.database.db.prisma.user.findFirst({ select: { externalId: true, id: true } }))!;
      const interactions = await t.database.db.prisma.interaction.count({ where: { userId: user.id } });
      const r = await t.gql('mutation($id: ID!) { deleteUser(id: $id) { deleted } }', { id: user.externalId });
      expect(errorCode(r)).toBe('RG_ERR_REDIS_UNAVAILABLE');
      expect(await t.database.db.prisma.interaction.count({ where: { userId: user.id } })).toBe(interactions);
      expect(interactions).toBeGreaterThan(0);
    });
  });
});
