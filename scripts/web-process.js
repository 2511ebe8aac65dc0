// `process` in the browser page's bundles (scripts/build-web.js injects it): path-browserify's
// resolve() asks for the working folder, which the page has not: its scenarios live at the root.
export const process = { cwd: () => '/', env: {} };
