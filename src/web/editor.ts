import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { type Check, checkScenario } from './check';
import { type JsonSchema, schemaCompletion } from './schema-completion';

/**
 * The scenario editor: CodeMirror 6 with its YAML mode, completion from the scenario's JSON
 * Schema, and inline errors from the scenario layer itself (./check.ts), so that they read as the
 * command line's. `onCheck` is told each check's outcome (the page shows the whole text).
 */
export interface ScenarioEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
}

/** The offset of a 1-based line and column in `doc`, kept inside it. */
function offsetOf(doc: Text, line: number, col: number): number {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(l.from + Math.max(0, col - 1), l.to);
}

export function createEditor(parent: HTMLElement, opts: { text: string; file: () => string; schema: JsonSchema; onCheck: (c: Check) => void; onChange: () => void }): ScenarioEditor {
  const lint = linter((view) => {
    let check: Check;
    try {
      check = checkScenario(opts.file(), view.state.doc.toString());
    } catch (e) {
      // Not the scenario's fault: a bug, shown rather than leaving the last check's text up.
      check = { ok: false, text: `portsim failed while checking the scenario: ${e instanceof Error ? e.message : String(e)}`, issues: [] };
    }
    opts.onCheck(check);
    if (check.ok) return [];
    return check.issues.map((i): Diagnostic => {
      const from = i.line === undefined ? 0 : offsetOf(view.state.doc, i.line, i.col ?? 1);
      const to = i.line === undefined ? 0 : Math.min(view.state.doc.lineAt(from).to, Math.max(from + 1, view.state.doc.lineAt(from).to));
      return { from, to, severity: 'error', message: i.text };
    });
  }, { delay: 250 });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.text,
      extensions: [
        lineNumbers(), history(), indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        yaml(), lint, lintGutter(),
        autocompletion({ override: [schemaCompletion(opts.schema)] }),
        EditorView.updateListener.of((u) => { if (u.docChanged) opts.onChange(); }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
  };
}
