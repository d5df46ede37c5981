import { transform } from 'sucrase';

/**
 * A user's TypeScript file as JavaScript, with every line where it was (so stack frames name the
 * file's own lines without source maps): types stripped by sucrase, and with `commonJs` its
 * `import`/`export` turned into `require`/`exports` as well. A syntax error names the file, line
 * and column.
 */
export function stripTypes(text: string, path: string, commonJs = false): string {
  try {
    return transform(text, { transforms: commonJs ? ['typescript', 'imports'] : ['typescript'], filePath: path, disableESTransforms: true }).code;
  } catch (e) {
    const err = e as { message?: string; loc?: { line: number; column: number } };
    const at = err.loc ? `:${err.loc.line}:${err.loc.column}` : '';
    const what = String(err.message ?? e)
      .replace(/^Error transforming [^:]*: /, '')
      .replace(/ \(\d+:\d+\)$/, '');
    throw new SyntaxError(`${path}${at}: ${what}`);
  }
}
