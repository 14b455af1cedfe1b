// How the shells hand inputs to whoever reads them: by the name action.yml gives the input (the CLI's flag is
// the same name with `--`). A source declares the inputs it reads; the shells know no input of their own.

/** Reads one input: trimmed text, '' when not given. A list input holds one value per line. */
export type InputReader = (name: string) => string;

/** An input as its reader declares it: action.yml must list it, the CLI makes a flag of it. */
export interface InputSpec {
  name: string;
  /** One line for the CLI's --help. */
  help: string;
  /** Several values: one per line in the action, a repeated flag in the CLI. */
  list?: true;
  /** A switch without a value in the CLI (`--dry-run`); `true`/`false` in the action. */
  flag?: true;
  /** Only the action reads it (the CLI has no workflow to upload to). */
  actionOnly?: true;
}

/** What every reader of inputs gets from the shell besides the inputs themselves. */
export interface InputEnvironment {
  env: NodeJS.ProcessEnv;
  /** Where relative paths resolve: GITHUB_WORKSPACE on a runner, the working directory in the CLI. */
  baseDirectory: string;
}
