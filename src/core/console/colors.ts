/**
 * Colours as hex without `#`. The console's switch-role form accepts only its own palette (values current as
 * of 2024; the console has changed them before), so the five names it has map onto it exactly and the
 * browser extension, which takes any RGB, gets the same shades plus a few more.
 */
const CONSOLE_PALETTE: Record<string, string> = {
  red: 'f2b0a9',
  orange: 'fbc8aa',
  yellow: 'efda95',
  green: 'b7ca9d',
  blue: '83d4e8',
};

const EXTRA: Record<string, string> = {
  cyan: '9fe0e0',
  purple: 'c9b3e6',
  magenta: 'f0b3dc',
  gray: 'c8c8c8',
  white: 'ffffff',
};

/** Names the console palette lacks, shown as its nearest colour on a switch-role link. */
const CONSOLE_NEAREST: Record<string, string> = { cyan: 'blue', purple: 'blue', magenta: 'red' };

function customHex(color: string): string | undefined {
  const m = /^#?([0-9a-fA-F]{6})$/.exec(color);
  return m?.[1]?.toLowerCase();
}

/** Any configured colour (a name or `#rrggbb`) as hex; undefined for a name crossbar does not know. */
export function colorHex(color: string): string | undefined {
  const name = color.toLowerCase();
  return CONSOLE_PALETTE[name] ?? EXTRA[name] ?? customHex(color);
}

/** The colour for a console switch-role link: the console palette; undefined where it has nothing close (gray, white). */
export function consoleColorHex(color: string): string | undefined {
  const name = color.toLowerCase();
  return CONSOLE_PALETTE[CONSOLE_NEAREST[name] ?? name] ?? customHex(color);
}
