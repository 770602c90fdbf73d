// The cost of GraphQL alone: graphql-yoga with a schema of the same shape as recgate's slate
// and a resolver returning a constant slate (SLATE_FILE: the `recommendations` value).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createSchema, createYoga } from 'graphql-yoga';

const slate = JSON.parse(readFileSync(process.env.SLATE_FILE!, 'utf8'));
const yoga = createYoga({
  logging: false,
  graphiql: false,
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Item {
        id: ID!
        title: String!
        categories: [String!]!
      }
      type SlateItem {
        item: Item!
        score: Float!
        position: Int!
        explanation: String!
      }
      type Slate {
        impressionId: ID!
        strategy: String!
        propensity: Float!
        items: [SlateItem!]!
      }
      type Query {
        recommendations(userId: ID!, limit: Int = 10): Slate!
      }
    `,
    resolvers: { Query: { recommendations: () => slate } },
  }),
});
// eslint-disable-next-line @typescript-eslint/no-misused-promises -- yoga's handler answers every request itself, errors included
const server = http.createServer(yoga);
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${(server.address() as { port: number }).port}\n`));
