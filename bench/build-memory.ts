/**
 * Peak memory of the 1,000,000-serial build in a process of its own: what a server process holds while
 * creating that many serials through addSerials, without the bench harness (its raw driver, load worker,
 * samplers and result arrays) in the same heap. Prints one JSON line; run.ts reads it.
 *
 *   npx tsx bench/build-memory.ts [--serials 1000000] [--items 100] [--batch 10000] [--postgres URL]
 */
import { openRuntime } from '../src/server.js';
import { benchAppConfig, postgresFactory, sqliteFactory } from './databases.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const SERIALS = arg('--serials', 1_000_000);
const ITEMS = arg('--items', 100);
const BATCH = arg('--batch', 10_000);
const pgAt = args.indexOf('--postgres');
const pgUrl = pgAt >= 0 ? args[pgAt + 1] : undefined;

const mb = (bytes: number) => bytes / 1024 / 1024;
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const factory = pgUrl ? postgresFactory(pgUrl, 10) : sqliteFactory();
  try {
    const bench = await factory.create('build_memory');
    const rt = await openRuntime(benchAppConfig(bench.config));
    try {
      const { services } = rt;
      await services.auth.setupFirstAdmin({ username: 'bench', password: 'bench-password-123' });
      const { principal } = await services.auth.login('bench', 'bench-password-123');
      const a = await services.locations.create({ code: 'WH-A' });
      const b = await services.locations.create({ code: 'WH-B' });
      const itemIds: number[] = [];
      for (let i = 1; i <= ITEMS; i++) {
        const item = await services.items.create(principal, {
          sku: `BENCH-${String(i).padStart(3, '0')}`,
          name: `Bench item ${i}`,
          primaryLocationId: a.id,
          trackSerials: true,
        });
        itemIds.push(item.id);
      }
      const rssBeforeMb = mb(process.memoryUsage().rss);
      const perItem = Math.floor(SERIALS / ITEMS);
      const started = performance.now();
      let created = 0;
      for (const [i, itemId] of itemIds.entries()) {
        for (let from = 0; from < perItem; from += BATCH) {
          const batch = [];
          for (let n = from; n < Math.min(perItem, from + BATCH); n++) {
            batch.push({
              serialNumber: `B${String(i + 1).padStart(3, '0')}-${String(n).padStart(7, '0')}`,
              locationId: n % 2 === 0 ? a.id : b.id,
            });
          }
          created += (await services.serials.addSerials(principal, itemId, batch)).length;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(JSON.stringify({ serials: created, seconds, rssBeforeMb, peakRssMb: maxRssMb() }));
    } finally {
      await rt.close();
      await bench.drop();
    }
  } finally {
    await factory.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
