// The peer: Apollo Server 5 with graphql-shield, checking the same kind of token (jose, EdDSA)
// on every request, answering the same `{ me { id } }`. Prints LISTENING <port> and TOKEN <jwt>.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from 'graphql-middleware';
import { rule, shield } from 'graphql-shield';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const token = await new SignJWT({ role: 'USER', scope: 'models:read predict' })
  .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'peer' })
  .setIssuer('peer')
  .setAudience('peer-api')
  .setSubject('user-1')
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(privateKey);

interface Context {
  user: { id: string } | null;
}

const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, context: Context) => context.user !== null);
const schema = applyMiddleware(
  makeExecutableSchema({
    typeDefs: 'type User { id: ID! } type Query { me: User! }',
    resolvers: { Query: { me: (_p: unknown, _a: unknown, context: Context) => context.user } },
  }),
  shield({ Query: { me: isAuthenticated } }),
);
const server = new ApolloServer<Context>({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async ({ req }) => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return { user: null };
    try {
      const { payload } = await jwtVerify(header.slice(7), publicKey, {
        algorithms: ['EdDSA'],
        typ: 'at+jwt',
        issuer: 'peer',
        audience: 'peer-api',
        requiredClaims: ['exp'],
        clockTolerance: 30,
      });
      return { user: { id: String(payload.sub) } };
    } catch {
      return { user: null };
    }
  },
});
process.stdout.write(`LISTENING ${new URL(url).port}\n`);
process.stdout.write(`TOKEN ${token}\n`);
