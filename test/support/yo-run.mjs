// Runs the built generator through yeoman-test in a plain Node process, for a batch of cases at
// once (loading yeoman-environment costs seconds; it is paid once). Under the tsx loader,
// yeoman-environment's require() of the ESM generator is transpiled to CommonJS and breaks, so the
// generator tests call this runner instead of importing yeoman-test themselves.
// argv[2]: JSON [{ dir, args, options, answers }] ; prints JSON [{ asked, stderr, exitCode } | { error }]
// stderr: what the generator wrote there (its one-line refusals); exitCode: what it set (0 if nothing).
import helpers from 'yeoman-test';

const GENERATOR = new URL('../../generators/app/index.js', import.meta.url).pathname;
const results = [];
const write = process.stderr.write.bind(process.stderr);
for (const { dir, args, options, answers } of JSON.parse(process.argv[2])) {
  let stderr = '';
  process.exitCode = 0;
  process.stderr.write = (chunk, ...rest) => {
    stderr += String(chunk);
    return write(chunk, ...rest);
  };
  try {
    const result = await helpers
      .run(GENERATOR, { autoCleanup: false })
      .inDir(dir)
      .withArguments(args)
      .withOptions(options)
      .withAnswers(answers);
    results.push({ asked: result.askedQuestions.map((q) => q.name), stderr, exitCode: process.exitCode });
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  } finally {
    process.stderr.write = write;
  }
}
process.exitCode = 0;
process.stdout.write(JSON.stringify(results));
