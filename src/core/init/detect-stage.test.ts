import { describe, expect, it } from 'vitest';
import { colorFromTags, detectStage } from './detect-stage.js';

describe('detectStage', () => {
  it('reads the stage tag first, in any of its usual spellings, folding synonyms', () => {
    expect(detectStage('whatever', { stage: 'dev' })).toBe('dev');
    expect(detectStage('whatever', { Stage: 'Production' })).toBe('prod');
    expect(detectStage('acme-dev', { environment: 'staging' })).toBe('staging');
    expect(detectStage('x', { env: 'qa' })).toBe('qa');
    expect(detectStage('x', { stage: 'client' })).toBe('client');
  });

  it('falls back to a word of the account name', () => {
    expect(detectStage('acme-prod-eu')).toBe('prod');
    expect(detectStage('Payments Production')).toBe('prod');
    expect(detectStage('shop_staging')).toBe('staging');
    expect(detectStage('stage')).toBe('staging');
    expect(detectStage('development')).toBe('dev');
    expect(detectStage('cpco-testing')).toBe('test');
    expect(detectStage('team-sandbox')).toBe('sandbox');
  });

  it('finds no stage in words that only contain one', () => {
    expect(detectStage('product-catalog')).toBeUndefined();
    expect(detectStage('devops-tools')).toBeUndefined();
    expect(detectStage('management', { team: 'platform' })).toBeUndefined();
  });
});

describe('colorFromTags', () => {
  it('takes a colour crossbar.yaml accepts and ignores others', () => {
    expect(colorFromTags({ color: 'Green' })).toBe('green');
    expect(colorFromTags({ colour: '#FF9900' })).toBe('#ff9900');
    expect(colorFromTags({ color: 'chartreuse' })).toBeUndefined();
    expect(colorFromTags({})).toBeUndefined();
  });
});
