/** An impression id has one GraphQL type everywhere (ID), so generated client types need no casts. */
import { getNamedType, isInputObjectType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.js';

describe('impressionId', () => {
  it("is an ID on the slate, on feedback input and output, and on a user's interactions", () => {
    const schema = buildSchema();
    const typeOf = (typeName: string) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type) && !isInputObjectType(type)) throw new Error(`${typeName} is not an object type`);
      return getNamedType(type.getFields().impressionId!.type).name;
    };
    expect(['Slate', 'FeedbackInput', 'Feedback', 'Interaction'].map(typeOf)).toEqual(['ID', 'ID', 'ID', 'ID']);
  });
});
