// Which store counts go to: PostgreSQL when NETCASTER_DATABASE_URL names one, else the embedded
// DuckDB file in the data folder. Apart from store.ts (the interface both keep), so neither
// backend imports the module that chooses between them.
import path from 'node:path';
import { dataDir, type AudienceStore } from './store.js';

/** Opens the store the environment names; throws StoreError with a readable message when it cannot. */
export async function openStore(env = process.env): Promise<AudienceStore> {
  if (env.NETCASTER_DATABASE_URL) {
    const { PostgresStore } = await import('./store-postgres.js');
    return PostgresStore.open(env.NETCASTER_DATABASE_URL);
  }
  const { DuckDbStore } = await import('./store-duckdb.js');
  return DuckDbStore.open(path.join(dataDir(env), 'audience.duckdb'));
}
