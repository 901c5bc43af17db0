// A host built on yeoman-environment, as the README shows one: registers the built generator and
// runs it with the arguments in argv[2] (JSON), in the current directory. Nothing is caught here:
// what a user sees (output, exit status) is what the generator and yeoman-environment do.
import { createEnv } from 'yeoman-environment';

const env = createEnv();
env.register(new URL('../../generators/app/index.js', import.meta.url).pathname, { namespace: 'crash-demo:app' });
await env.run(['crash-demo:app', ...JSON.parse(process.argv[2])]);
