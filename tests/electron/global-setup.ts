/**
 * Before the Electron specs: say clearly when they will skip, otherwise
 * build the app they launch (out/main/index.js and friends).
 */
import { execFileSync } from 'node:child_process';
import { electronSkipReason } from './electron-binary';

export default function globalSetup(): void {
  const reason = electronSkipReason();
  if (reason) {
    console.log(`\n${reason}\n`);
    return;
  }
  execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
}
