// Starts kinesalite bound to 127.0.0.1 (its CLI has no host flag). Port 0 picks a free port; the chosen port is printed
// as "KINESALITE_PORT=<n>". The process exits when its stdin closes, so it never outlives the JVM that started it.
//
// An optional second argument shifts kinesalite's clock by that many milliseconds. Kinesis stamps each record's arrival
// time (and so its raw-zone hour) with its own clock, so a test can place an hour boundary where it needs one instead of
// depending on when it happens to run. Every time kinesalite takes (arrival, sequence numbers, iterator ages) moves together.
//
// An optional third argument shortens the life of a shard iterator (Kinesis and kinesalite: 5 minutes) to that many
// milliseconds, so a test can see an iterator expire without waiting 5 minutes. Shorter is no kinder than AWS: a client
// that copes with it copes with the real lifetime. kinesalite hard-codes the limit in actions/getRecords.js; that module
// is compiled here with the limit replaced before kinesalite loads it.
const fs = require('fs');
const path = require('path');
const Module = require('module');

const iteratorLifetimeMs = parseInt(process.argv[4] || '300000', 10);
if (iteratorLifetimeMs !== 300000) {
  const file = require.resolve('kinesalite/actions/getRecords');
  const source = fs.readFileSync(file, 'utf8');
  if (source.split('300000').length !== 3) {
    throw new Error('kinesalite/actions/getRecords.js no longer holds the iterator lifetime as expected: cannot shorten it');
  }
  const patched = new Module(file, module);
  patched.filename = file;
  patched.paths = Module._nodeModulePaths(path.dirname(file));
  patched._compile(source.split('300000').join(String(iteratorLifetimeMs)), file);
  patched.loaded = true;
  require.cache[file] = patched;
}
const kinesalite = require('kinesalite');

const port = parseInt(process.argv[2] || '0', 10);
const clockOffsetMs = parseInt(process.argv[3] || '0', 10);
if (clockOffsetMs !== 0) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffsetMs;
}
const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
server.listen(port, '127.0.0.1', () => {
  console.log('KINESALITE_PORT=' + server.address().port);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
