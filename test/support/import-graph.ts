/**
 * The import graph of src/, read with the TypeScript parser: which module imports which, and how
 * (a value import, a type-only one erased at build time, or a lazy `import()`). Shared by the
 * start-up test (test/cli/lazy-imports.test.ts) and the structure test (test/structure.test.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const SRC = join(process.cwd(), 'src');

export interface Import {
  /** As written: `./x.js`, `commander`. */
  specifier: string;
  /** The .ts file for a relative import, else null (a package). */
  file: string | null;
  /** `import type`, `export type`, or every named binding marked `type`: erased from the build. */
  typeOnly: boolean;
  /** `await import('...')`: loaded when that code runs, not with the module. */
  dynamic: boolean;
}

export function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

export function importsOf(file: string): Import[] {
  const out: Import[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const target = specifier.startsWith('.') ? resolve(dirname(file), specifier.replace(/\.js$/, '.ts')) : null;
    out.push({ specifier, file: target && existsSync(target) ? target : null, typeOnly, dynamic });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const allTypes = !!clause && !clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, !!clause?.isTypeOnly || allTypes, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return out;
}

/** Every .ts file under `dir`. */
export function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ a file belongs to: `engine`, `kube`; a file directly in src/ is its own. */
export function folderOf(file: string): string {
  return relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '');
}

/** Files and packages reachable from `entry` through imports that load with it (not type-only, not lazy). */
export function loadedWith(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const i of importsOf(file)) {
      if (i.typeOnly || i.dynamic) continue;
      if (i.file) visit(i.file);
      else if (!i.specifier.startsWith('.') && !i.specifier.startsWith('node:')) packages.add(packageName(i.specifier));
    }
  };
  visit(entry);
  return { files, packages };
}

function packageName(specifier: string): string {
  return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
}
