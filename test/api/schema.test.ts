import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.js';
import { FEEDBACK_TYPES } from '../../src/interactions/feedback-type.js';

describe('GraphQL schema', () => {
  it('matches the committed schema.graphql (API changes show up in review)', async () => {
    await expect(printSchema(buildSchema())).toMatchFileSnapshot('../../schema.graphql');
  });

  it('derives the FeedbackType enum from the one list of feedback types', () => {
    const values = (buildSchema().getType('FeedbackType') as any).getValues().map((v: any) => v.name);
    expect([...values].sort()).toEqual(FEEDBACK_TYPES.map((t) => t.toUpperCase()).sort());
  });
});
