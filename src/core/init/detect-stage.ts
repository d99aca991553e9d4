import { COLORS } from '../config/schema.js';

/**
 * The stage of an account, read the way people label them (seed 003 "a stage per account"): a stage tag
 * first, else a word of the account name. Synonyms fold into one short form so that `stage=prod` selects
 * `production` accounts too; a tagged stage that is no known word (`client`) is kept as written.
 */
const STAGE_TAGS = ['stage', 'Stage', 'environment', 'Environment', 'env', 'Env'] as const;

const STAGE_WORDS: Record<string, string> = {
  prod: 'prod',
  production: 'prod',
  prd: 'prod',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  dev: 'dev',
  development: 'dev',
  test: 'test',
  testing: 'test',
  qa: 'qa',
  sandbox: 'sandbox',
};

export function normalizeStage(value: string): string {
  const v = value.trim().toLowerCase();
  return STAGE_WORDS[v] ?? v;
}

/** The stage from tags, else from the words of the name (`acme-prod-eu` → prod; `product` is no stage). */
export function detectStage(name: string, tags: Readonly<Record<string, string>> = {}): string | undefined {
  for (const key of STAGE_TAGS) {
    const value = tags[key]?.trim();
    if (value) return normalizeStage(value);
  }
  for (const word of name.toLowerCase().split(/[^a-z0-9]+/)) {
    const stage = STAGE_WORDS[word];
    if (stage) return stage;
  }
  return undefined;
}

/** A colour from a `color`/`colour` tag when it is one crossbar.yaml accepts; otherwise the stage decides later. */
export function colorFromTags(tags: Readonly<Record<string, string>>): string | undefined {
  const value = (tags['color'] ?? tags['colour'] ?? tags['Color'] ?? tags['Colour'])?.trim().toLowerCase();
  if (value === undefined) return undefined;
  if ((COLORS as readonly string[]).includes(value)) return value;
  return /^#?[0-9a-f]{6}$/.test(value) ? value : undefined;
}
