import { createReadStream, statSync } from 'node:fs';
import { FileTableSource } from './adapters/files/file-table-source.ts';
const path = process.argv[2] ?? '';
let peak = 0;
const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
const started = performance.now();
let rows = 0;
for await (const e of new FileTableSource().read({ name: 'x.xlsx', size: statSync(path).size, open: () => createReadStream(path) }, { maxBytes: 500e6 })) {
  if (e.type === 'rows') rows += e.rows.length;
  if (e.type === 'error') console.log(e.error);
}
clearInterval(t);
console.log(rows, ((performance.now() - started) / 1000).toFixed(1), 's peak', (peak / 1048576).toFixed(0), 'MB', 'heap', (process.memoryUsage().heapUsed/1048576).toFixed(0));
