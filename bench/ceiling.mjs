/**
 * The ceiling of the machine: a bare node:http server, run as its own process, that reads each
 * request and answers one fixed document (the DescribeRegions response the service really sent,
 * with its content type). Whatever the service does beyond this costs the difference.
 * Plain JavaScript so that no TypeScript loader (tsx keeps an esbuild process) is measured with it.
 *   node bench/ceiling.mjs <port> <document.json>   (document: { contentType, body })
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(file, 'utf8'));
const body = Buffer.from(doc.body);

const server = createServer((req, res) => {
  req.resume(); // the service reads the body too
  req.on('end', () => {
    // Framed like the service's answers (writeHead, then end: chunked), so only the work differs.
    res.writeHead(200, { 'content-type': doc.contentType }).end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
