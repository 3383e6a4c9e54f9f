import { main } from '../../../cli/main.js';

// `lockstep` from the sources, so the fault loop runs without a build
process.exitCode = await main(process.argv.slice(2));
