import { Script } from '../../store/script.js';

/** Claims the due broadcasts for a while (another instance takes them over if this one dies mid-way). */
export const CLAIM_DUE = new Script('campaigns_claim_due', 1, `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 20)
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[3] .. id
  local status = redis.call('HGET', key, 'status')
  if status == 'scheduled' or status == 'sending' then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('HSET', key, 'status', 'sending')
    table.insert(out, id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`);

/** Moves a broadcast from ARGV[1] to ARGV[2] (setting field ARGV[3] to ARGV[4]...) only if it is still in ARGV[1]. */
export const TRANSITION = new Script('campaigns_transition', 2, `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= ARGV[1] then return status or '' end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREM', KEYS[2], redis.call('HGET', KEYS[1], 'id'))
return 'OK'`);
