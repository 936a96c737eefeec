// duckdb.mjs — run SQL files against a DuckDB database for contrib/bench/run.
//
// usage: node duckdb.mjs DBFILE FILE.sql...
// Runs each file's statements in order (split at ";" ending a line) and
// prints the last statement's rows as CSV.  The time of the last file alone
// goes to stderr as "#elapsed SECONDS": node's own start (~50 ms) is not
// DuckDB's cost, so it is left out of the figure, unlike placed's and
// sqlite3's process start, which are in theirs.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [db, ...files] = process.argv.slice(2);
if (!db || files.length === 0) {
	console.error('usage: node duckdb.mjs DBFILE FILE.sql...');
	process.exit(2);
}
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
let last = null, elapsed = 0;
for (const f of files) {
	const stmts = readFileSync(f, 'utf8').split(/;\s*\n/)
	    .filter((s) => s.replace(/--.*$/gm, '').trim() !== '');
	const t0 = process.hrtime.bigint();
	for (const s of stmts)
		last = await conn.runAndReadAll(s);
	elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
}
if (last) {
	const out = [last.columnNames().join(',')];
	for (const r of last.getRows())
		out.push(r.map((v) => (v === null ? '' : String(v))).join(','));
	process.stdout.write(out.join('\n') + '\n');
}
process.stderr.write(`#elapsed ${elapsed}\n`);
conn.closeSync?.();
instance.closeSync?.();
