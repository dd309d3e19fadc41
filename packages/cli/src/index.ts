export { runCli } from "./run-cli.js";
export type { CliIo, CommandRunner } from "./cli-io.js";
