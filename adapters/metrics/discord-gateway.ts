import { type Client, Status } from 'discord.js';
import type { GatewayReading } from '../../src/ports/metrics.ts';

/** Status names as Prometheus labels: `ready`, `waiting_for_guilds`, ... */
const statusName = (status: Status): string =>
  (Status[status] ?? `unknown_${status}`).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** The Discord client's gateway as the metrics read it at each scrape: heartbeat latency and each shard's status. */
export function discordGatewayReading(client: Pick<Client, 'ws'>): GatewayReading {
  return {
    pingMs: client.ws.ping,
    shards: [...client.ws.shards.values()].map((shard) => ({
      id: shard.id,
      status: statusName(shard.status),
      pingMs: shard.ping,
    })),
  };
}
