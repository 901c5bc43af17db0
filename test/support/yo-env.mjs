// A host built on yeoman-environment, as docs/usage.md shows one: registers the built generator and
// runs it with the arguments in argv[2] (JSON), in the current directory. It catches only what the
// snippet there catches (a UsageError: print its one line, exit 1); what a user sees otherwise is
// what the generator and yeoman-environment do.
import { createEnv } from 'yeoman-environment';

const env = createEnv();
env.register(new URL('../../generators/app/index.js', import.meta.url).pathname, { namespace: 'crash-demo:app' });
try {
  await env.run(['crash-demo:app', ...JSON.parse(process.argv[2])]);
} catch (error) {
  if (error.name !== 'UsageError') throw error;
  console.error(`create-crash-demo: ${error.message}`);
  process.exitCode = 1;
}
