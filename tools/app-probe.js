/**
 * A probe loaded into an app process with `node --require tools/app-probe.js` (NODE_OPTIONS
 * allows --require, not --cpu-prof): when the process exits it writes, into APP_PROBE_DIR,
 *   cpu-<pid>.cpuprofile   a V8 CPU profile of its whole life (open in Chrome DevTools), and
 *   commands-<pid>.json    the database commands it sent, by command and collection.
 * Used by bench/form-submit.ts (BENCH_APP_PROBE=<dir>) to see where a submission's time goes.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.APP_PROBE_DIR;
if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');

  const counts = {};
  const { Connection } = require(require.resolve('mongodb/lib/cmap/connection.js', { paths: [process.cwd(), __dirname] }));
  const command = Connection.prototype.command;
  Connection.prototype.command = function (ns, cmd, ...rest) {
    const name = Object.keys(cmd)[0];
    const target = typeof cmd[name] === 'string' ? ` ${cmd[name]}` : '';
    counts[`${name}${target}`] = (counts[`${name}${target}`] ?? 0) + 1;
    return command.call(this, ns, cmd, ...rest);
  };

  process.on('exit', () => {
    fs.writeFileSync(path.join(dir, `commands-${process.pid}.json`), JSON.stringify(counts, null, 1));
    // A session on the process's own thread answers synchronously, so this runs before exit.
    session.post('Profiler.stop', (err, res) => {
      if (!err) fs.writeFileSync(path.join(dir, `cpu-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
