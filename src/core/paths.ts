import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json: data folders resolve from it whether we run from src/ (tsx) or dist/. */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${start}`);
    dir = up;
  }
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

export const dataPaths = {
  flows: join(projectRoot, 'flows'),
  locales: join(projectRoot, 'locales'),
  plans: join(projectRoot, 'plans'),
  data: join(projectRoot, 'data'),
  public: join(projectRoot, 'public'),
} as const;
