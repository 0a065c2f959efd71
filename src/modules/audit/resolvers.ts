import { badUserInput } from '../../errors.js';
import type { Resolvers } from '../../generated/resolvers-types.js';
import { decodeCursor, encodeCursor, pageSize } from '../../lib/cursor.js';
import { requirePrincipal } from '../auth/require-principal.js';
import { listAuditEvents } from './audit.repository.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditEvents: async (_parent, { first, after, filter }, context) => {
      requirePrincipal(context);
      const size = pageSize(first, 50, 200);
      if (size === undefined) throw badUserInput('first must be between 1 and 200.');
      const keyset = after ? decodeCursor(after) : undefined;
      if (after && !keyset) throw badUserInput('after is not a valid cursor.');
      // Events still in the write batch belong in the answer.
      await context.deps.audit.flush();
      const rows = await listAuditEvents(
        context.deps.database.db,
        {
          action: filter?.action,
          outcome: filter?.outcome,
          actorUserId: filter?.actorUserId,
          since: filter?.since ? new Date(filter.since) : null,
          until: filter?.until ? new Date(filter.until) : null,
        },
        size,
        keyset,
      );
      const page = rows.slice(0, size);
      const edges = page.map((node) => ({ node, cursor: encodeCursor({ createdAt: node.at, id: node.id }) }));
      return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  AuditEvent: {
    actorUserId: (event) => event.actor_user_id,
    actorKeyId: (event) => event.actor_key_id,
    clientAddress: (event) => event.client_address,
    requestId: (event) => event.request_id,
  },
};
