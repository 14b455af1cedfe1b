// What the core says while it works. The action shell maps this onto @actions/core, the CLI onto the
// terminal, tests onto an array: the core never writes to stdout itself.
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
};
