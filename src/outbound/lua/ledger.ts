import { Script } from '../../store/script.js';

/*
 * The exactly-once mark of a (key, person) moves through these values, each change in one script so
 * that two workers, or a worker re-running a job after a crash, agree on what happened:
 *   "q"            accepted into the durable queue, not sent yet
 *   "s:<token>"    a worker is sending it now
 *   "d:<status>"   done; the report counted it once
 * ("1" is DirectOutbound's mark: that message is sent in-process, never from the queue.)
 */

/** Marks a new (key, person) queued and counts it, in one step; 1 new, 2 queued before but never started, 0 taken. */
export const CLAIM = new Script('ledger_claim', 3, `
if redis.call('SET', KEYS[1], 'q', 'EX', ARGV[1], 'NX') then
  redis.call('HINCRBY', KEYS[2], 'queued', 1)
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[2], 'queued')
  redis.call('EXPIRE', KEYS[3], ARGV[1])
  return 1
end
if redis.call('GET', KEYS[1]) == 'q' then return 2 end
return 0`);

/** Takes the mark for sending, right before the platform call; returns the mark found when it is not free. */
export const BEGIN = new Script('ledger_begin', 1, `
local v = redis.call('GET', KEYS[1])
if v and v ~= 'q' then return v end
redis.call('SET', KEYS[1], 's:' .. ARGV[1], 'EX', ARGV[2])
return ''`);

/**
 * Records the outcome and marks it done, once. ARGV[1] is the mark the caller holds: "s:<token>", or ""
 * for a message that never reached the platform (mark still free). With ARGV[6] = "settle", a mark left
 * at "sending" by a crash is recorded as failed (interrupted) instead.
 */
export const FINISH = new Script('ledger_finish', 3, `
local v = redis.call('GET', KEYS[1])
local status, value = ARGV[2], ARGV[3]
if ARGV[1] == '' then
  if v and v ~= 'q' then
    if ARGV[6] == 'settle' and string.sub(v, 1, 2) == 's:' then status, value = 'failed', 'failed:interrupted'
    else return 0 end
  end
elseif v ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], 'd:' .. status, 'EX', ARGV[5])
redis.call('HINCRBY', KEYS[2], status, 1)
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[4], value)
redis.call('EXPIRE', KEYS[3], ARGV[5])
return 1`);

export const RELEASE = new Script('ledger_release', 1, `
if redis.call('GET', KEYS[1]) == 's:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'q', 'KEEPTTL')
  return 1
end
return 0`);
