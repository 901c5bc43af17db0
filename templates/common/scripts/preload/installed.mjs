// Loaded first by every npm script (package.json): before `npm install`, one line says to run it, not Node's stack trace.
try { import.meta.resolve('create-crash-demo/scripts'); }
catch { console.error(`create-crash-demo/scripts is not installed: run npm install in ${process.cwd()} first`); process.exit(1); }
