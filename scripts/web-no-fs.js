// node:fs in the browser page's bundle (scripts/build-web.js): the page reads no files, so a
// scenario naming one (a profile, trace or durations file) gets this reason in its message.
const unavailable = () => {
  throw Object.assign(new Error('the browser page reads no files: paste the file\'s content into the scenario'), { code: 'ENOENT' });
};
module.exports = new Proxy({}, { get: (_, name) => (name === '__esModule' ? false : unavailable) });
