// Lists functions longer than 80 lines (issue #12's limit) in the given TypeScript files, by the TypeScript parser:
//   node scripts/long-functions.js $(git ls-files 'src/**/*.ts')
const ts = require('typescript');
const fs = require('fs');
const files = process.argv.slice(2);
for (const f of files) {
  const src = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (n) => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n)) {
      const a = src.getLineAndCharacterOfPosition(n.getStart()).line, b = src.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (b - a + 1 > 80) console.log(`${b - a + 1} ${f}:${a + 1} ${n.name ? n.name.getText() : '(anon)'}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}
