// Copies browser libraries from node_modules into public/vendor (served by the app itself:
// no third-party requests). Run by `npm run build`.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const files = [['chart.js', 'dist/chart.umd.min.js', 'chart.umd.min.js']];
fs.mkdirSync(path.join(root, 'public', 'vendor'), { recursive: true });
for (const [pkg, file, to] of files) {
  fs.copyFileSync(path.join(root, 'node_modules', pkg, file), path.join(root, 'public', 'vendor', to));
}
