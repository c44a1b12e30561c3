/** Per-key token buckets, in memory (each API process limits on its own). */
import type { RequestHandler } from 'express';
import { problem } from './problem';
import type { Principal } from './auth';

/** Bucket size and refill rate. */
export interface RateLimitOptions {
  /** Burst: tokens a full bucket holds. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** Defaults: bursts of 100 requests, 20 per second sustained, per key. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 100, refillPerSecond: 20 };

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per API key; `take` says whether a request may go and, if not, when to retry. */
export function createTokenBuckets(options: RateLimitOptions, now: () => number = Date.now) {
  const buckets = new Map<string, Bucket>();
  return {
    take(id: string): { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number } {
      const t = now();
      const bucket = buckets.get(id) ?? { tokens: options.capacity, at: t };
      bucket.tokens = Math.min(
        options.capacity,
        bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond,
      );
      bucket.at = t;
      buckets.set(id, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true, remaining: Math.floor(bucket.tokens) };
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / options.refillPerSecond));
      return { ok: false, retryAfterSeconds };
    },
    /** Number of buckets held (one per key seen). */
    size: () => buckets.size,
  };
}

/** Middleware (after authentication): 429 problem with `Retry-After` when the key's bucket is empty. */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const buckets = createTokenBuckets(options);
  return (_req, res, next) => {
    const auth = res.locals.auth as Principal;
    const result = buckets.take(auth.keyId);
    res.setHeader('RateLimit-Limit', String(options.capacity));
    if (result.ok) {
      res.setHeader('RateLimit-Remaining', String(result.remaining));
      next();
      return;
    }
    res.setHeader('RateLimit-Remaining', '0');
    throw problem(
      429,
      'rate-limited',
      {
        es: `Demasiadas solicitudes con esta clave; reintente en ${result.retryAfterSeconds} s.`,
        en: `Too many requests with this key; retry in ${result.retryAfterSeconds} s.`,
      },
      { headers: { 'Retry-After': String(result.retryAfterSeconds) } },
    );
  };
}
