// The lock's problems for a catalog, as a check finds them (src/catalog/lock.ts, findLock).
import { findLock } from '../../src/catalog/lock.js';
import type { CatalogBrief } from '../../src/contract/catalog.js';
import type { Problem } from '../../src/contract/problems.js';

export const lockProblemsOf = (showDir: string, catalog: CatalogBrief | undefined, baseUrl: string | undefined): Problem[] =>
  findLock(showDir, catalog, baseUrl).findings.problems;
