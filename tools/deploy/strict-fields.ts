import { join } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './render';

const MODEL_PACKAGES = require('./model-packages.json') as Record<string, string>;

/**
 * Fields the models do not know, as `<path> is not a field of <type>`, one list per object in input order: the strict
 * half of schema validation (the OpenAPI schemas of Kubernetes allow unknown fields, which the API server then drops,
 * so a misspelt `readinesProbe` would pass them and silently deploy a pod without a readiness probe). The field names
 * come from the type declarations that ship with the same models (`I<Kind>` of kubernetes-models and the operator
 * packages), read with the TypeScript compiler. Objects without a model are left to validateAgainstModels, which
 * fails them.
 */
export function unknownFields(objects: readonly { apiVersion: string; kind: string }[]): string[][] {
  const modules = objects.map(({ apiVersion, kind }) => modelModule(apiVersion, kind));
  const distinct = [...new Set(modules.filter((module): module is string => module !== undefined))];
  const entry = join(REPO_ROOT, 'tools', 'deploy', '__strict-fields-entry.ts');
  const source = distinct.map((module, index) => `import type { I${kindOf(module)} as M${index} } from '${module}';\nexport type T${index} = M${index};`).join('\n');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === entry ? source : readFile(file));
  host.fileExists = (file) => file === entry || fileExists(file);
  host.getSourceFile = (file, language) => (file === entry ? ts.createSourceFile(file, source, language) : getSourceFile(file, language));
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const entryFile = program.getSourceFile(entry);
  const aliases = new Map<string, ts.Type>();
  entryFile?.statements.forEach((statement) => {
    if (!ts.isTypeAliasDeclaration(statement)) return;
    const index = Number(statement.name.text.slice(1));
    const module = distinct[index];
    const type = checker.getTypeAtLocation(statement.name);
    if (module === undefined) return;
    // An unresolved import is `any`: that would accept everything, so it is an error, not a pass.
    if (type.flags & ts.TypeFlags.Any) throw new Error(`the declarations of ${module} could not be read`);
    aliases.set(module, type);
  });
  return objects.map((object, index) => {
    const type = aliases.get(modules[index] ?? '');
    const errors: string[] = [];
    if (type) walk(checker, object, type, '', errors);
    return errors;
  });
}

function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const pkg = MODEL_PACKAGES[group];
  if (!pkg || !/^v\d+((alpha|beta)\d+)?$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  return `${pkg}/${apiVersion}/${kind}`;
}

const kindOf = (module: string): string => module.slice(module.lastIndexOf('/') + 1);

/** The object-like members of a type, without null and undefined. */
function objectMembers(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const nonNull = checker.getNonNullableType(type);
  const members = nonNull.isUnion() ? nonNull.types : [nonNull];
  return members.filter((member) => member.flags & ts.TypeFlags.Object || member.flags & ts.TypeFlags.Intersection);
}

function walk(checker: ts.TypeChecker, value: unknown, type: ts.Type, path: string, errors: string[]): void {
  if (value === null || typeof value !== 'object') return;
  const nonNull = checker.getNonNullableType(type);
  if (nonNull.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  const candidates = objectMembers(checker, nonNull);
  if (Array.isArray(value)) {
    const arrayType = candidates.find((candidate) => checker.isArrayType(candidate));
    const element = arrayType ? checker.getTypeArguments(arrayType as ts.TypeReference)[0] : undefined;
    if (element) value.forEach((item, index) => walk(checker, item, element, `${path}/${index}`, errors));
    return;
  }
  const shapes = candidates.filter((candidate) => !checker.isArrayType(candidate));
  if (shapes.length === 0) return;
  // With several shapes (rare), the first that knows every field is the one meant.
  const entries = Object.entries(value as Record<string, unknown>);
  const shape = shapes.find((candidate) => entries.every(([key]) => fieldType(checker, candidate, key) !== undefined)) ?? shapes[0];
  if (!shape) return;
  for (const [key, field] of entries) {
    const type = fieldType(checker, shape, key);
    if (type === undefined) errors.push(`${path}/${key} is not a field of ${checker.typeToString(shape)}`);
    else walk(checker, field, type, `${path}/${key}`, errors);
  }
}

/** The type of a field: a declared property, or the value of a string index signature (maps such as labels). */
function fieldType(checker: ts.TypeChecker, type: ts.Type, key: string): ts.Type | undefined {
  const property = checker.getPropertyOfType(type, key);
  if (property) return checker.getTypeOfSymbol(property);
  return checker.getIndexInfoOfType(type, ts.IndexKind.String)?.type;
}
