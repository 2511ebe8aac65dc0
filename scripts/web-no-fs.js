// node:fs in the browser page's bundle (scripts/build-web.js): the page reads no files. Every
// function src/scenario/load.ts imports is here: no file exists, and reading one fails with
// this reason, which the scenario layer puts into its message.
const unavailable = () => {
  throw new Error("the browser page reads no files: paste the file's content into the scenario");
};
module.exports = {
  existsSync: () => false,
  openSync: unavailable, readSync: unavailable, closeSync: unavailable, fstatSync: unavailable, realpathSync: unavailable,
  readFileSync: unavailable, statSync: unavailable,
};
