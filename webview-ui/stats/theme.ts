/**
 * Chart colours and fonts from VS Code's theme variables (`--vscode-charts-*`, the
 * foreground and border colours), read from the page so a theme change re-colours the
 * charts. Fallbacks keep the page usable outside VS Code (the Chromium test).
 */
import type { SeriesColor } from './series';

export interface ChartTheme {
  colors: Record<SeriesColor, string>;
  foreground: string;
  grid: string;
  font: string;
}

const fallback: Record<SeriesColor, string> = {
  blue: '#3794ff',
  green: '#89d185',
  yellow: '#cca700',
  orange: '#d18616',
  red: '#f14c4c',
  purple: '#b180d7',
  foreground: '#cccccc',
};

export function readTheme(element: Element, getStyle: (e: Element) => CSSStyleDeclaration): ChartTheme {
  const style = getStyle(element);
  const v = (name: string, dflt: string) => style.getPropertyValue(name).trim() || dflt;
  const foreground = v('--vscode-foreground', fallback.foreground);
  const colors = {} as Record<SeriesColor, string>;
  for (const c of Object.keys(fallback) as SeriesColor[])
    colors[c] = c === 'foreground' ? foreground : v(`--vscode-charts-${c}`, fallback[c]);
  return {
    colors,
    foreground,
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128, 128, 128, 0.35)')),
    font: v('--vscode-font-family', 'system-ui, sans-serif'),
  };
}
