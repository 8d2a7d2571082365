// Runs npm scripts side by side (`node tools/parallel.js build lint:eslint format:check`): the
// type-check/build and the linters are each single-threaded, so on two or more cores they take
// the time of the longest instead of their sum. Each script's output is printed in one piece when
// it ends; the exit code is the first non-zero one.
const { spawn } = require('node:child_process');

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write('usage: node tools/parallel.js <npm script>...\n');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const runs = scripts.map(
  (name) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(npm, ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      child.on('close', (code, signal) => {
        const text = Buffer.concat(out).toString();
        const status = code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`;
        process.stdout.write(`${text}${text && !text.endsWith('\n') ? '\n' : ''}> ${name}: ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        resolve(code === 0 ? 0 : (code ?? 1));
      });
    }),
);

Promise.all(runs).then((codes) => process.exit(codes.find((c) => c !== 0) ?? 0));
