/**
 * Building the chat panel's DOM: one element factory bound to the panel's document, and
 * the button element the panel uses.
 */

export type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates `<tag attrs…>children…</tag>`; `false`/`undefined` attributes are left out, `true` ones are present and empty. */
export type ElementFactory = (tag: string, attrs?: Attrs, children?: Array<Node | string>) => HTMLElement;

/**
 * The panel's buttons are `@vscode-elements/elements` buttons (registered by the entry
 * point), so they look and behave like VS Code's own; in a DOM without the element
 * definitions they are plain elements that still carry `data-action`.
 */
export const BUTTON = 'vscode-button';

export function elementFactory(doc: Document): ElementFactory {
  return (tag, attrs = {}, children = []) => {
    const el = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) el.append(typeof c === 'string' ? doc.createTextNode(c) : c);
    return el;
  };
}
