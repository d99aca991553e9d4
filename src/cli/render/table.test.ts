import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { renderTable, visibleWidth } from './table.js';

describe('renderTable', () => {
  it('pads to the widest cell and right-aligns when asked', () => {
    const lines = renderTable(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }],
      [
        ['development', '3'],
        ['prod', '12'],
      ],
    );
    expect(lines).toEqual(['NAME          N', 'development   3', 'prod         12']);
  });

  it('ignores colour codes when measuring, so coloured cells line up', () => {
    const colors = pc.createColors(true);
    const lines = renderTable(
      [{ header: 'STAGE' }, { header: 'X' }],
      [
        [colors.red('prod'), 'a'],
        ['staging', 'b'],
      ],
    );
    expect(visibleWidth(colors.red('prod'))).toBe(4);
    expect(lines[1]).toBe(`${colors.red('prod')}     a`);
    expect(lines[2]).toBe('staging  b');
  });

  it('indents and trims trailing spaces', () => {
    expect(renderTable([{ header: 'A' }, { header: 'B' }], [['x', '']], { indent: '  ' })).toEqual(['  A  B', '  x']);
  });
});
