import { describe, expect, it } from 'vitest';
import {
  enabledRegions,
  invalidRegionMessage,
  isKnownRegion,
  isOptInRegion,
  looksLikeRegion,
  parseRegionList,
} from './regions.js';

describe('regions', () => {
  it('knows the default and opt-in regions', () => {
    expect(isKnownRegion('us-east-1')).toBe(true);
    expect(isOptInRegion('eu-south-1')).toBe(true);
    expect(isOptInRegion('eu-west-1')).toBe(false);
    expect(looksLikeRegion('xx-nowhere-1')).toBe(true);
    expect(looksLikeRegion('Mars')).toBe(false);
  });

  it('enabled regions are those not needing opt-in plus the opted-in ones', () => {
    expect(
      enabledRegions(
        new Map([
          ['us-east-1', 'opt-in-not-required'],
          ['eu-south-1', 'not-opted-in'],
          ['af-south-1', 'opted-in'],
        ] as const),
      ),
    ).toEqual(['af-south-1', 'us-east-1']);
  });

  it('parses --regions and suggests for typos', () => {
    expect(parseRegionList('us-east-1, eu-west-1,us-east-1')).toEqual(['us-east-1', 'eu-west-1']);
    expect(parseRegionList('ALL')).toBe('all');
    expect(invalidRegionMessage('eu-wset-1')).toContain("did you mean 'eu-west-1'");
  });
});
