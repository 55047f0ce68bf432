import { profilePatchSchema } from './profile.js';
import { startSimulator } from './server.js';

/** Runs the simulator as a process: `tsx src/simulator/main.ts`, configured by SIMULATOR_* variables. */
async function main(): Promise<void> {
  const port = Number(process.env['SIMULATOR_PORT'] ?? '8787');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIMULATOR_PORT must be a port number, got ${process.env['SIMULATOR_PORT']}`);
  }
  const host = process.env['SIMULATOR_HOST'] ?? '127.0.0.1';
  const rawProfile = process.env['SIMULATOR_PROFILE'];
  let profile = {};
  if (rawProfile) {
    const parsed = profilePatchSchema.safeParse(JSON.parse(rawProfile));
    if (!parsed.success) throw new Error(`SIMULATOR_PROFILE is invalid: ${parsed.error.message}`);
    profile = parsed.data;
  }
  const simulator = await startSimulator({ port, host, profile });
  console.log(`OpenAI simulator listening on ${simulator.url} (baseURL ${simulator.baseUrl}); answers are simulated`);
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal} received, stopping the simulator`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
