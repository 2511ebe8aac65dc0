// Bundled into dist/src/cli/render-worker.js in place of node-fetch (package.json, build:bundle):
// vega-loader takes a fetch function for charts whose data are URLs, and portsim's charts carry
// their data inline (src/report/render.ts), so nothing is ever fetched. Without node-fetch the
// renderer's thread does not load http, https, zlib and whatwg-url's tables at every run.
module.exports = function fetch(url) {
  return Promise.reject(new Error(`portsim's charts fetch nothing (asked for ${url})`));
};
