// Makes `recgate` resolvable as an installed package from inside this checkout (npm's
// `prepare` runs it after `npm ci`/`npm install`), so the plugins in plugins/ import
// `recgate` and `recgate/testing` exactly as a third party's plugin would.
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const link = path.join(root, 'node_modules', 'recgate');
mkdirSync(path.dirname(link), { recursive: true });
if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) {
  if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
  else process.exit(0); // a real install of recgate: leave it alone
}
symlinkSync(path.relative(path.dirname(link), root), link, 'dir');
