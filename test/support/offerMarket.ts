// A stand-in for the cloud's offer search: answers `POST /api/v0/bundles/` from a fixture set of offers
// (test/fixtures/api/offers.json, shaped like the SDK's Offer), filtered by the request's `{column: {op: value}}` the
// way the marketplace reads it (RAM in MB, `verified` as the verification state, `allocated_storage` as minimum disk).
// Used with the API tests' FixtureServer, which records every request.
import * as fs from 'node:fs';
import type { Offer } from '../../src/shared/protocol/offers';
import { fixturePath } from './paths';

export function fixtureOffers(): Offer[] {
  return (JSON.parse(fs.readFileSync(fixturePath('api', 'offers.json'), 'utf8')) as { offers: Offer[] }).offers;
}

function column(offer: Offer, name: string): unknown {
  if (name === 'verified') return offer.verification === 'verified';
  return offer[name];
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

function holds(actual: unknown, op: string, wanted: unknown): boolean {
  switch (op) {
    case 'eq':
      return same(actual, wanted);
    case 'neq':
      return !same(actual, wanted);
    case 'in':
      return (wanted as unknown[]).some((w) => same(actual, w));
    case 'notin':
      return !(wanted as unknown[]).some((w) => same(actual, w));
    case 'gt':
      return Number(actual) > Number(wanted);
    case 'gte':
      return Number(actual) >= Number(wanted);
    case 'lt':
      return Number(actual) < Number(wanted);
    case 'lte':
      return Number(actual) <= Number(wanted);
    default:
      throw new Error(`stand-in market: unknown op ${op}`);
  }
}

const REQUEST_KEYS = new Set(['order', 'type', 'limit', 'allocated_storage']);

/** The fixture offers a query selects, best score first, at most `limit`. */
export function marketSearch(query: Record<string, unknown>, offers: Offer[] = fixtureOffers()): Offer[] {
  const matched = offers.filter((offer) => {
    for (const [name, ops] of Object.entries(query)) {
      if (REQUEST_KEYS.has(name)) continue;
      for (const [op, wanted] of Object.entries(ops as Record<string, unknown>)) if (!holds(column(offer, name), op, wanted)) return false;
    }
    const storage = Number(query.allocated_storage ?? 0);
    return Number(offer.disk_space ?? 0) >= storage;
  });
  matched.sort((a, b) => Number(b.score ?? 0) - Number(a.score ?? 0));
  return typeof query.limit === 'number' ? matched.slice(0, query.limit) : matched;
}
