// The tool's version (a test keeps it equal to package.json's), for --version and User-Agent headers.
export const VERSION = '0.1.0';
export const USER_AGENT = `download-experiment-files/${VERSION}`;
