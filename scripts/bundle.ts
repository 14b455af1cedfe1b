// Bundles the action (dist/index.js + licenses.txt) and the CLI (dist/cli.js + cli-licenses.txt) with ncc:
// one ESM file each with every dependency inside, as the runner and `npx` load them. CI rebuilds both and
// fails when the committed dist/ differs, so the output must be deterministic.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface StatsModule {
  name?: string;
  modules?: StatsModule[];
}

/** Builds `entry` into `out`; returns the package folders of every bundled module (from webpack's stats). */
function ncc(entry: string, out: string): Set<string> {
  const stats = path.join(mkdtempSync(path.join(tmpdir(), 'def-stats-')), 'stats.json');
  execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--stats-out', stats, '--quiet', '--no-cache'], { stdio: 'inherit' });
  const packages = new Set<string>();
  const walk = (modules: StatsModule[] = []): void => {
    for (const m of modules) {
      walk(m.modules);
      const name = (m.name ?? '').split('!').pop() ?? '';
      const at = name.lastIndexOf('node_modules/');
      if (at < 0) continue;
      const rest = name.slice(at + 'node_modules/'.length).split('/');
      const depth = rest[0]?.startsWith('@') ? 2 : 1;
      packages.add(path.resolve(name.slice(0, at), 'node_modules', ...rest.slice(0, depth)));
    }
  };
  walk((JSON.parse(readFileSync(stats, 'utf8')) as { modules?: StatsModule[] }).modules);
  rmSync(path.dirname(stats), { recursive: true, force: true });
  return packages;
}

/**
 * The licenses of the bundled packages, sorted by name and version. Written here rather than by ncc's
 * `--license`, whose choice among several installed versions of one package (isarray) varied between builds.
 */
function writeLicenses(packages: Set<string>, file: string): void {
  const entries = new Map<string, string>();
  for (const dir of packages) {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const licenseFile = readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f))
      .sort()[0];
    const text = licenseFile === undefined ? '' : readFileSync(path.join(dir, licenseFile), 'utf8').trim();
    entries.set(`${pkg.name}@${pkg.version}`, `${pkg.name} ${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}`);
  }
  const sorted = [...entries.keys()].sort().map((k) => entries.get(k));
  writeFileSync(file, `${sorted.join('\n\n')}\n`);
}

rmSync('dist', { recursive: true, force: true });
writeLicenses(ncc('src/action/main.ts', 'dist'), 'dist/licenses.txt');
const cliOut = mkdtempSync(path.join(tmpdir(), 'def-cli-'));
const cliPackages = ncc('src/cli/main.ts', cliOut);
renameSync(path.join(cliOut, 'index.js'), 'dist/cli.js');
writeLicenses(cliPackages, 'dist/cli-licenses.txt');
chmodSync('dist/cli.js', 0o755);
rmSync(cliOut, { recursive: true, force: true });
if (!existsSync('dist/index.js')) throw new Error('ncc produced no dist/index.js');
