/**
 * RE2JS (linear-time regular expressions: no pattern a model writes can hang the
 * daemon). The package ships its types as an ES module next to a CommonJS build, so it
 * is loaded through `require` with its types imported in `import` resolution mode.
 */
import type { RE2JS as RE2JSClass } from 're2js' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RE2JS = (require('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
export type RE2JS = RE2JSClass;
