// Runs the built generator through yeoman-test in a plain Node process, for a batch of cases at
// once (loading yeoman-environment costs seconds; it is paid once). Under the tsx loader,
// yeoman-environment's require() of the ESM generator is transpiled to CommonJS and breaks, so the
// generator tests call this runner instead of importing yeoman-test themselves.
// argv[2]: JSON [{ dir, args, options, answers }] ; prints JSON [{ asked } | { error }]
import helpers from 'yeoman-test';

const GENERATOR = new URL('../../generators/app/index.js', import.meta.url).pathname;
const results = [];
for (const { dir, args, options, answers } of JSON.parse(process.argv[2])) {
  try {
    const result = await helpers
      .run(GENERATOR, { autoCleanup: false })
      .inDir(dir)
      .withArguments(args)
      .withOptions(options)
      .withAnswers(answers);
    results.push({ asked: result.askedQuestions.map((q) => q.name) });
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
