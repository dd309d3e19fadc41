// Entry point of ./scripts/demo (which installs, starts the stack and exports KAFKA_BROKERS, MONGO_URL,
// REDIS_URL first). The demo's modules live in tests/demo/ beside the end-to-end harness they share:
// the root package has no workspace dependencies, the e2e package has all of them.
import { main } from '../tests/demo/main.js';

process.exitCode = await main(process.argv.slice(2), process.env);
