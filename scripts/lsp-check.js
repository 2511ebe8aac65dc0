#!/usr/bin/env node
/**
 * What an editor shows on a scenario file, from the command line: starts the YAML language server
 * (the npm package yaml-language-server, the one VS Code's YAML extension, Neovim's yamlls and
 * coc-yaml run) over stdio, opens the file as an editor does, and prints the diagnostics the
 * server publishes, as file:line:col, plus the completions it offers at a position.
 *
 *   node scripts/lsp-check.js FILE [LINE:COL]
 *
 * The schema comes from the file's own modeline (# yaml-language-server: $schema=…), exactly as
 * in an editor; no other settings. LINE:COL (1-based) asks for completions there. Exit code 0
 * when the server reports no problem, 1 when it reports some, 2 on a usage error.
 */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

const [file, at] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/lsp-check.js FILE [LINE:COL]\n');
  process.exit(2);
}
const uri = pathToFileURL(resolve(file)).href;
const text = readFileSync(file, 'utf8');
const server = spawn(process.execPath, [require.resolve('yaml-language-server/bin/yaml-language-server'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });

let nextId = 1;
const pending = new Map();
const send = (msg) => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};
const request = (method, params) => new Promise((res) => {
  const id = nextId++;
  pending.set(id, res);
  send({ id, method, params });
});
const notify = (method, params) => send({ method, params });

let diagnosticsSeen;
const diagnostics = new Promise((res) => { diagnosticsSeen = res; });
const SETTINGS = { yaml: { validate: true, hover: true, completion: true, schemas: {}, schemaStore: { enable: false } } };

/** Messages from the server: answers to our requests, its own requests, notifications. */
function onMessage(msg) {
  if (msg.id !== undefined && msg.method === undefined) {
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  } else if (msg.id !== undefined) {
    // The server asks the client: its settings, or a schema's text (custom/schema/request).
    let result = null;
    if (msg.method === 'workspace/configuration') result = msg.params.items.map((i) => (i.section === 'yaml' ? SETTINGS.yaml : i.section === undefined ? SETTINGS : null));
    else if (msg.method === 'custom/schema/request') result = readFileSync(new URL(msg.params[0] ?? msg.params), 'utf8');
    send({ id: msg.id, result });
  } else if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri) {
    diagnosticsSeen(msg.params.diagnostics);
  }
}

let buffer = Buffer.alloc(0);
server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
    if (buffer.length < end + 4 + length) return;
    onMessage(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString('utf8')));
    buffer = buffer.subarray(end + 4 + length);
  }
});

async function main() {
  await request('initialize', {
    processId: process.pid, rootUri: pathToFileURL(process.cwd()).href,
    capabilities: { workspace: { configuration: true }, textDocument: { completion: { completionItem: { snippetSupport: false } } } },
  });
  notify('initialized', {});
  notify('workspace/didChangeConfiguration', { settings: SETTINGS });
  notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  let timer;
  const timeout = new Promise((res) => { timer = setTimeout(() => res(undefined), 20_000); });
  const found = await Promise.race([diagnostics, timeout]);
  clearTimeout(timer);
  if (found === undefined) throw new Error('the language server published no diagnostics within 20 s');
  for (const d of found) process.stdout.write(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}\n`);
  process.stdout.write(`${found.length} problem(s) reported by yaml-language-server\n`);
  if (at !== undefined) {
    const [line, col] = at.split(':').map(Number);
    const r = await request('textDocument/completion', { textDocument: { uri }, position: { line: line - 1, character: col - 1 } });
    const items = (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);
    process.stdout.write(`completions at ${line}:${col}: ${items.join(', ')}\n`);
  }
  await request('shutdown', null);
  notify('exit', null);
  process.exitCode = found.length === 0 ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`lsp-check: ${e.message}\n`);
  server.kill();
  process.exitCode = 2;
});
