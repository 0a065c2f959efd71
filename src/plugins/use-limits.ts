import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { OnExecuteHookResult } from '@envelop/core';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Clock } from '../clock.js';
import type { AppContext } from '../context.js';
import { queryTooComplex, rateLimited } from '../errors.js';
import { isoTimestamp } from '../lib/iso-timestamp.js';
import { actualCost, estimateCost, type CostInput, type FieldCostHook } from '../lib/cost/estimate-cost.js';
import { budgetCharge, callerOf } from '../lib/limits/identity.js';
import type { Charge, ConsumeResult, LimitState, LimitStore } from '../lib/limits/limit-store.js';
import { MemoryLimitStore } from '../lib/limits/memory-store.js';
import { countRateLimited, rateLimitRules } from '../lib/limits/rate-limit-rules.js';
import type { Tier } from '../modules/users/user.table.js';

export interface LimitsOptions {
  schema: GraphQLSchema;
  store: LimitStore;
  /** The clock the store counts with, for the headers' seconds-until-reset. */
  clock: Clock;
  /** Points per hour by tier (CONTRACT.md §5). */
  budgets: Readonly<Record<Tier, number>>;
  /** Operations estimated above this are QUERY_TOO_COMPLEX. */
  maxCost: number;
  /** Hides the configured numbers from messages (production). */
  hideLimits: boolean;
  /** Weights from outside the SDL, e.g. `predictCost()`. */
  fieldCost?: FieldCostHook;
}

/** What one request spent, for the response headers and `extensions.cost`. */
export interface CostReport {
  requested: number;
  actual: number;
  limit: number;
  remaining: number;
  /** Epoch ms at which the whole budget is back. */
  resetAt: number;
}

// What each request spent, from execution to the response headers.
const reports = new WeakMap<Request, CostReport>();

interface Pending {
  context: AppContext;
  input: CostInput;
  requested: number;
  budget: Charge;
  /** Only identified callers get `extensions.cost` (CONTRACT.md §5); anonymous bodies stay plain. */
  identified: boolean;
  stop: (result: ExecutionResult) => void;
}

/**
 * Cost estimate, `@rateLimit` windows and the hourly cost budget, in that order, before
 * execution: the estimate must fit `maxCost`, then every window and the budget are charged in
 * one atomic store call (all or none). After execution the part of the reservation that was not
 * spent (lists shorter than assumed, fields never resolved) is refunded: Shopify's model.
 *
 * Our own plugin rather than @envelop/rate-limiter: its store interface reads the timestamps and
 * writes them back (not atomic, so bursts overshoot, and a sliding log per key), it takes time
 * from Date.now, and its rejection carries `http.statusCode` and a non-numeric Retry-After.
 */
export function useLimits(options: LimitsOptions): Plugin {
  const { schema, store, clock, budgets, maxCost, hideLimits } = options;
  const rules = rateLimitRules(schema);
  const costOptions = options.fieldCost ? { fieldCost: options.fieldCost } : {};
  // Occurrences depend on the document and operation only: count once per parsed document.
  const occurrences = new WeakMap<DocumentNode, Map<string, Map<string, number>>>();
  const countOnce = (document: DocumentNode, operationName: string | null | undefined) => {
    let byOperation = occurrences.get(document);
    if (!byOperation) occurrences.set(document, (byOperation = new Map()));
    let counts = byOperation.get(operationName ?? '');
    if (!counts) byOperation.set(operationName ?? '', (counts = countRateLimited(schema, document, operationName, rules)));
    return counts;
  };

  /** After the store answered: refuse with 429, or let execution run and refund what it did not spend. */
  function settle(result: ConsumeResult, request: Pending): OnExecuteHookResult<YogaInitialContext> | undefined {
    const { context, input, requested, budget, identified } = request;
    const budgetState = result.states.find((state) => state.key === budget.key)!;
    const report: CostReport = {
      requested,
      actual: 0,
      limit: budgetState.limit,
      remaining: budgetState.remaining,
      resetAt: budgetState.resetAt,
    };
    reports.set(context.request, report);

    if (!result.allowed) {
      const denied = result.states.filter((state) => !state.allowed);
      request.stop({
        errors: [rateLimited(deniedMessage(denied, budget.key), Math.max(...denied.map((s) => s.retryAfterMs)) / 1000)],
        ...(identified ? { extensions: { cost: costExtension(report) } } : {}),
      });
      return undefined;
    }

    return {
      onExecuteDone({ result: executed }) {
        if (!executed || Symbol.asyncIterator in executed) return;
        const done = executed as ExecutionResult;
        // Nothing reserved, nothing to refund: skip walking the data.
        report.actual = requested === 0 ? 0 : Math.min(requested, actualCost(input, done.data, costOptions));
        const unused = requested - report.actual;
        if (unused > 0) {
          // Not awaited: the store applies it before this instance's next command, and a lost
          // refund (Redis gone meanwhile) only leaves the budget stricter.
          void (result.store ?? store).refund([{ ...budget, amount: unused }]).catch(() => undefined);
          report.remaining = Math.min(report.limit, report.remaining + unused);
        }
        // Each request's result is its own fresh object (the executor's, or a plugin's early answer),
        // so the cost goes onto it: copying the result costs more than everything else done here.
        if (identified) (done as { extensions?: Record<string, unknown> }).extensions = { ...done.extensions, cost: costExtension(report) };
      },
    };
  }

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as AppContext;
      const input: CostInput = {
        schema: args.schema,
        document: args.document,
        operationName: args.operationName,
        variables: args.variableValues as Record<string, unknown> | undefined,
        context,
      };
      const requested = estimateCost(input, costOptions);
      if (requested > maxCost) {
        const message = hideLimits
          ? 'The query is too complex.'
          : `The query is too complex: its estimated cost is ${requested} where the limit is ${maxCost}.`;
        setResultAndStopExecution({ errors: [queryTooComplex(message)] });
        return;
      }

      const caller = callerOf(context);
      const budget = budgetCharge(caller, budgets, requested);
      const charges: Charge[] = [budget];
      for (const [coordinate, count] of countOnce(args.document, args.operationName)) {
        const rule = rules.get(coordinate)!;
        const who = rule.per === 'ADDRESS' ? `addr:${context.clientAddress}` : caller.id;
        charges.push({ key: `rate:${coordinate}:${who}`, amount: count, limit: rule.max, windowMs: rule.windowMs });
      }

      // The in-process store answers synchronously: no promise, no extra tick on the hot path.
      const pending = store instanceof MemoryLimitStore ? store.consumeNow(charges) : store.consume(charges);
      const request: Pending = { context, input, requested, budget, identified: caller.identified, stop: setResultAndStopExecution };
      // No named closure here: tsx keeps function names, at an Object.defineProperty per request.
      return pending instanceof Promise ? pending.then((result) => settle(result, request)) : settle(pending, request);
    },

    onResponse({ request, response }) {
      const report = reports.get(request);
      if (!report) return;
      const now = clock.now();
      const resetSeconds = Math.ceil(report.resetAt / 1000);
      const untilReset = Math.max(0, Math.ceil((report.resetAt - now) / 1000));
      response.headers.set('X-RateLimit-Limit', String(report.limit));
      response.headers.set('X-RateLimit-Remaining', String(report.remaining));
      response.headers.set('X-RateLimit-Reset', String(resetSeconds));
      // IETF draft-ietf-httpapi-ratelimit-headers: the policy (quota q over w seconds) and its state.
      response.headers.set('RateLimit-Policy', `"budget";q=${report.limit};w=3600`);
      response.headers.set('RateLimit', `"budget";r=${report.remaining};t=${untilReset}`);
    },
  };
}

function deniedMessage(denied: readonly LimitState[], budgetKey: string): string {
  if (denied.some((state) => state.key === budgetKey)) return 'The hourly cost budget is spent; retry later.';
  const coordinate = denied[0]!.key.split(':')[1];
  return `Too many calls to ${coordinate}; retry later.`;
}

function costExtension(report: CostReport) {
  return {
    requested: report.requested,
    actual: report.actual,
    limit: report.limit,
    remaining: report.remaining,
    resetAt: isoTimestamp(report.resetAt),
  };
}
