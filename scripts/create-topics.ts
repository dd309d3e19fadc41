// `bash scripts/stack topics` entry point: creates the product topics (idempotent). The script lives in
// packages/kafka/bin/ because the root package has no workspace dependencies, so `@incentive/kafka`
// only resolves from inside a package. Options (env): see packages/kafka/bin/create-topics.ts.
import '../packages/kafka/bin/create-topics.js';
