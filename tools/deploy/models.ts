import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const VALIDATOR = join(__dirname, 'validate-models.mjs');

/**
 * Validates each object against the OpenAPI model of its apiVersion and kind (kubernetes-models, CloudNativePG,
 * Prometheus operator) and returns its errors, `<path> <message>`, in input order; an object whose kind has no
 * model gets the error `no model for <apiVersion> <kind>`. The models are ES modules only, so one Node process
 * outside the test runtime validates the whole batch (validate-models.mjs).
 */
export function validateAgainstModels(objects: readonly unknown[]): string[][] {
  const output = execFileSync(process.execPath, [VALIDATOR], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const reports = JSON.parse(output) as { errors: string[] }[];
  if (reports.length !== objects.length) throw new Error(`validator answered for ${reports.length} of ${objects.length} objects`);
  return reports.map((report) => report.errors);
}
