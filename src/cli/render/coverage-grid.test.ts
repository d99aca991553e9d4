import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { renderCoverageGrid, shortRegion } from './coverage-grid.js';

const plain = pc.createColors(false);

describe('coverage grid', () => {
  it('shows ✓ and ✗ with the code per account and region', () => {
    const lines = renderCoverageGrid(
      {
        regions: ['eu-south-1', 'us-east-1'],
        rows: [
          {
            accountId: '2',
            name: 'development',
            stage: 'dev',
            color: 'green',
            cells: { 'eu-south-1': { ok: false, code: 'REGION_DISABLED' }, 'us-east-1': { ok: true } },
          },
          { accountId: '4', name: 'production', stage: 'prod', color: 'red', cells: { 'eu-south-1': { ok: true } } },
        ],
      },
      plain,
    );
    expect(lines).toEqual([
      'ACCOUNT      eu-south-1         us-east-1',
      'development  ✗ REGION_DISABLED  ✓',
      'production   ✓                  ·',
    ]);
  });

  it('uses short region codes and a legend when there are many regions', () => {
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
    const lines = renderCoverageGrid(
      {
        regions,
        rows: [
          {
            accountId: '1',
            name: 'a',
            color: 'blue',
            cells: Object.fromEntries(regions.map((r) => [r, { ok: false, code: 'DENIED' as const }])),
          },
        ],
      },
      plain,
    );
    expect(lines[0]).toBe('ACCOUNT use1   use2   usw1   usw2   euw1   apse2');
    expect(lines.at(-1)).toBe('DENY DENIED');
    expect(shortRegion('ap-northeast-3')).toBe('apne3');
  });

  it('is empty without results', () => {
    expect(renderCoverageGrid({ regions: [], rows: [] }, plain)).toEqual([]);
  });
});
