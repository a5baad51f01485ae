import { Script } from '../../store/script.js';

/*
 * The scripts of a channel's send slots (gate.ts). Two keys share the channel's hash tag: a hash with
 * the next even slot (`next`) and the end of a platform's "retry after" (`paused`), in µs of Redis's
 * clock; and a log of the sends of the last window (member: one send; score: when its call was made,
 * or, until it is, the latest moment it may still be made).
 */

/**
 * Takes a slot, or says how long to wait before asking again. ARGV: interval µs, catch-up µs, window
 * µs, count, member, in-flight µs. Returns 0 (go: the send is in the log) or the µs to wait.
 */
export const TAKE_SLOT = new Script('send_slot_take', 2, `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'next', 'paused')
local paused = tonumber(state[2] or '0')
if paused > now then return math.floor(paused - now) end
local nxt = tonumber(state[1] or '0')
if nxt > now then return math.floor(nxt - now) end
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
  -- All still in flight: their calls are being made right now.
  if oldest > now then return 5000 end
  return math.max(1000, math.floor(oldest + window - now))
end
-- A channel at work catches up a short stall (the log keeps the catch-up within the cap); an idle one
-- starts evenly from now.
nxt = math.max(nxt, now - tonumber(ARGV[2])) + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'next', string.format('%.0f', nxt))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(nxt, paused) - now) / 1000) + 1000)
redis.call('ZADD', KEYS[2], string.format('%.0f', now + tonumber(ARGV[6])), ARGV[5])
redis.call('PEXPIRE', KEYS[2], math.ceil((window + tonumber(ARGV[6])) / 1000) + 1000)
return 0`);

/** Stamps a send with the moment its call was made (at the latest: when this arrives). ARGV: member. */
export const SLOT_CALLED = new Script('send_slot_called', 1, `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2])), ARGV[1])
return 1`);

/** Holds every slot for ARGV[1] ms from now (the platform said "retry after"). */
export const PAUSE_SLOTS = new Script('send_slot_pause', 1, `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untilUs = now + tonumber(ARGV[1]) * 1000
if tonumber(redis.call('HGET', KEYS[1], 'paused') or '0') < untilUs then
  redis.call('HSET', KEYS[1], 'paused', string.format('%.0f', untilUs))
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 1000)
end
return 1`);
