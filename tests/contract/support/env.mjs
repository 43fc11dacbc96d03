// Where the tests find the project: the source tree (TASKSHARE_SOURCE_DIR, else two folders above this
// one) and the server binary (TASKSHARE_BIN, else build/taskshare in the source tree).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const contractDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sourceDir = resolve(process.env.TASKSHARE_SOURCE_DIR ?? join(contractDir, '..', '..'));
export const openApiPath = join(sourceDir, 'src', 'api', 'openapi.json');
export const specPath = join(sourceDir, 'spec', 'neo-get-shared-task.md');

const explicitBin = process.env.TASKSHARE_BIN;
export const serverBin = resolve(explicitBin ?? join(sourceDir, 'build', 'taskshare'));

// Why the live tests cannot run, or null when they can. A binary named by TASKSHARE_BIN must exist
// (the live tests fail rather than skip); the default one may simply not be built yet.
export function liveSkipReason() {
  if (existsSync(serverBin)) return null;
  if (explicitBin !== undefined) throw new Error(`TASKSHARE_BIN=${explicitBin} does not exist`);
  return `no server binary at ${serverBin} (build it, or set TASKSHARE_BIN)`;
}
