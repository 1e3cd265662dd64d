/** Small DOM helpers: elements are built with textContent, never from HTML strings. */
export function element(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className !== undefined) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attributes ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

const parser = new DOMParser();

/** Text of an HTML-escaped fragment (Elasticsearch escapes everything but its own <em> tags). */
function unescapeHtml(text) {
  return parser.parseFromString(`<!doctype html><body>${text}`, 'text/html').body.textContent ?? '';
}

/**
 * A highlight snippet as DOM: only the <em> markers become elements, every other character is
 * text, so a product name containing markup can never inject any.
 */
export function highlighted(snippet) {
  const fragment = document.createDocumentFragment();
  const parts = snippet.split(/(<em>|<\/em>)/);
  let emphasised = false;
  for (const part of parts) {
    if (part === '<em>') emphasised = true;
    else if (part === '</em>') emphasised = false;
    else if (part !== '') fragment.append(emphasised ? element('mark', { text: unescapeHtml(part) }) : document.createTextNode(unescapeHtml(part)));
  }
  return fragment;
}

export function showError(node, error) {
  node.hidden = error === null;
  node.textContent = error === null ? '' : `${error.message}${error.code === undefined ? '' : ` (${error.code})`}`;
}

export function debounce(action, delayMs) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), delayMs);
  };
}
