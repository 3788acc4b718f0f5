// The JSON Schema files editors use for show.yaml and episode.yaml (e.g. with the YAML language
// server: `# yaml-language-server: $schema=../schema/episode.schema.json`). Generated from
// schema.ts by `npm run schema`; a test keeps the committed files in step.
import { jsonSchemas } from './schema.js';

export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, schema] of Object.entries(jsonSchemas)) {
    files[name] = `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2)}\n`;
  }
  return files;
}
