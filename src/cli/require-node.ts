// Imported first by the CLI, with no imports of its own, so it runs before any dependency is evaluated: on an
// older Node the bundle would otherwise die inside a dependency with a TypeError that says nothing useful.
export const REQUIRED_NODE_MAJOR = 24;

/** What to tell the user when `version` (e.g. `v20.20.2`) is too old to run the CLI; undefined when it is not. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `download-experiment-files needs Node.js ${REQUIRED_NODE_MAJOR} or later; this is Node.js ${version}. Install Node.js ` +
    `${REQUIRED_NODE_MAJOR} (e.g. with nvm or actions/setup-node), or run it with npx -p node@${REQUIRED_NODE_MAJOR} node <path to>/cli.js.`
  );
}

const problem = nodeVersionProblem(process.version);
if (problem !== undefined) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(2);
}
