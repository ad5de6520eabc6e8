// Validates Kubernetes objects against the OpenAPI models of kubernetes-models and its CloudNativePG and
// Prometheus operator companions. Reads a JSON array of objects on stdin and writes one report per object on
// stdout: { errors: string[] }, empty when the object is valid.
// A separate ES module because the model packages are ES modules only, which the unit tests' CommonJS
// runtime cannot load; tools/deploy/models.ts runs it.

import { readFileSync } from 'node:fs';

/** API group → package with its models (shared with strict-fields.ts). A group missing there has no models: its objects fail validation. */
const MODEL_PACKAGES = new Map(Object.entries(JSON.parse(readFileSync(new URL('./model-packages.json', import.meta.url), 'utf8'))));

/** @param {string} apiVersion @param {string} kind @returns {Promise<{ validate(): void } | string>} a model class, or why there is none */
async function findModel(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = MODEL_PACKAGES.get(group);
  if (!pkg || !/^v\d+((alpha|beta)\d+)?$/.test(version) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return `no model for ${apiVersion} ${kind}`;
  let module;
  try {
    module = await import(`${pkg}/${apiVersion}/${kind}`);
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return `no model for ${apiVersion} ${kind}`;
    throw error;
  }
  const Model = module[kind];
  // Files exist for nested types too (ClusterSpec, …): only a class declaring this apiVersion and kind is a model.
  if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind) return `no model for ${apiVersion} ${kind}`;
  return Model;
}

/** @param {unknown} object @returns {Promise<string[]>} */
async function validate(object) {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return ['/ must be an object'];
  const { apiVersion, kind } = /** @type {Record<string, unknown>} */ (object);
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['/ must have apiVersion and kind'];
  const Model = await findModel(apiVersion, kind);
  if (typeof Model === 'string') return [Model];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    return error.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.allowedValues ? `: ${e.params.allowedValues.join(', ')}` : ''}`);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const reports = [];
for (const object of objects) reports.push({ errors: await validate(object) });
process.stdout.write(JSON.stringify(reports));
