import { byId, debounce, element, highlighted, showError } from './dom.js';
import { graphql, SEARCH_QUERY, SUGGEST_QUERY } from './graphql-client.js';
import { createLiveUpdates } from './live-updates.js';

const PAGE_SIZE = 10;

const stockText = (stock) => (stock > 0 ? `${stock} in stock` : 'out of stock');

/**
 * The product search: a query, a sort, filters chosen from the facets, and a stack of cursors for
 * paging (the API pages forward with cursors; going back pops the stack). Every change of query,
 * sort or filter starts again at page 1.
 */
export function createSearchView({ onFreshness }) {
  const input = byId('search-input');
  const suggestions = byId('suggestions');
  const state = { query: '', sort: 'RELEVANCE', brands: new Set(), category: null, price: null, inStock: false, cursors: [null] };
  let inFlight = null;
  const live = createLiveUpdates({
    onChange: showChange,
    onResync: () => void run(),
    onStatus: (status) => (byId('live-status').textContent = status === 'live' ? '● live' : `○ ${status}`),
  });
  /** Bumped whenever suggestions must close: an answer for an older generation is dropped. */
  let suggestionGeneration = 0;

  function filter() {
    const value = {};
    if (state.brands.size > 0) value.brands = [...state.brands];
    if (state.category !== null) value.categoryIds = [state.category.id];
    if (state.price !== null) {
      if (state.price.from !== null) value.minPrice = state.price.from;
      // Facet ranges are [from, to); the filter's bound is inclusive, so stop a cent below.
      if (state.price.to !== null) value.maxPrice = (Number(state.price.to) - 0.01).toFixed(2);
    }
    if (state.inStock) value.inStock = true;
    return Object.keys(value).length === 0 ? null : value;
  }

  async function run() {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const variables = { query: state.query === '' ? null : state.query, filter: filter(), sort: state.sort, first: PAGE_SIZE, after: state.cursors.at(-1) };
    byId('results').setAttribute('aria-busy', 'true');
    try {
      const { data, extensions } = await graphql(SEARCH_QUERY, variables, { signal: controller.signal });
      showError(byId('error'), null);
      render(data.searchProducts);
      onFreshness(extensions.freshness);
    } catch (error) {
      if (error.name === 'AbortError') return;
      showError(byId('error'), error);
    } finally {
      if (inFlight === controller) byId('results').removeAttribute('aria-busy');
    }
  }

  function restart() {
    state.cursors = [null];
    void run();
  }

  function render(result) {
    const page = state.cursors.length;
    const from = (page - 1) * PAGE_SIZE + 1;
    byId('summary').textContent =
      result.totalCount === 0 ? 'No products match.' : `${result.totalCount} products · showing ${from}–${from + result.edges.length - 1}`;
    const results = byId('results');
    results.replaceChildren(...result.edges.map(renderHit));
    // Counts full renders: a live change updates a hit in place and leaves this alone.
    results.dataset.renders = String(Number(results.dataset.renders ?? 0) + 1);
    live.watch(result.edges.map((edge) => edge.node.id));
    byId('page-number').textContent = `Page ${page}`;
    byId('prev-page').disabled = page === 1;
    const next = byId('next-page');
    next.disabled = !result.pageInfo.hasNextPage;
    next.dataset.cursor = result.pageInfo.endCursor ?? '';
    renderFacets(result.facets);
  }

  function renderHit({ node, highlights }) {
    const name = highlights.find((highlight) => highlight.field === 'name')?.snippets[0];
    const title = element('h3', { className: 'hit-name' }, [name === undefined ? node.name : highlighted(name)]);
    const other = highlights.filter((highlight) => highlight.field !== 'name').flatMap((highlight) => highlight.snippets.slice(0, 1));
    const meta = element('p', { className: 'hit-meta', text: `${node.brand} · ${node.category?.name ?? 'uncategorised'} · ` }, [element('span', { className: 'hit-stock', text: stockText(node.stock) })]);
    const children = [title, meta, ...other.map((snippet) => element('p', { className: 'hit-snippet' }, [highlighted(snippet)]))];
    return element('li', { className: 'hit', attributes: { 'data-product-id': node.id } }, [
      element('div', {}, children),
      element('span', { className: 'hit-price', text: node.price }),
    ]);
  }

  /** A change of a product on screen: its price and stock change in place, and flash. */
  function showChange(change) {
    const hit = byId('results').querySelector(`.hit[data-product-id="${CSS.escape(change.id)}"]`);
    if (hit === null) return;
    if (change.kind === 'DELETE' || change.row === null) {
      hit.classList.add('hit-gone');
      hit.querySelector('.hit-stock').textContent = 'no longer available';
    } else {
      hit.querySelector('.hit-price').textContent = change.row.price;
      hit.querySelector('.hit-stock').textContent = stockText(change.row.stock);
    }
    hit.dataset.version = change.version;
    hit.classList.remove('hit-changed');
    // Restart the flash animation even when the same hit changes twice in a row.
    void hit.offsetWidth;
    hit.classList.add('hit-changed');
  }

  function facetButton(label, count, active, onClick) {
    const button = element('button', { className: active ? 'facet active' : 'facet', attributes: { type: 'button', 'aria-pressed': String(active) } }, [
      element('span', { text: label }),
      element('span', { className: 'count', text: String(count) }),
    ]);
    button.addEventListener('click', onClick);
    return element('li', {}, [button]);
  }

  function renderFacets(facets) {
    byId('facet-brands').replaceChildren(
      ...facets.brands.map(({ value, count }) =>
        facetButton(value, count, state.brands.has(value), () => {
          if (state.brands.has(value)) state.brands.delete(value);
          else state.brands.add(value);
          restart();
        }),
      ),
    );
    byId('facet-categories').replaceChildren(
      ...facets.categories.map(({ categoryId, count, category }) =>
        facetButton(category?.name ?? `#${categoryId}`, count, state.category?.id === categoryId, () => {
          state.category = state.category?.id === categoryId ? null : { id: categoryId, name: category?.name ?? `#${categoryId}` };
          restart();
        }),
      ),
    );
    byId('facet-prices').replaceChildren(
      ...facets.priceRanges
        .filter((range) => range.count > 0)
        .map((range) => {
          const label = range.from === null ? `under ${range.to}` : range.to === null ? `${range.from} and up` : `${range.from} – ${range.to}`;
          const active = state.price?.from === range.from && state.price?.to === range.to;
          return facetButton(label, range.count, active, () => {
            state.price = active ? null : { from: range.from, to: range.to };
            restart();
          });
        }),
    );
    renderChips();
  }

  function renderChips() {
    const chips = [
      ...[...state.brands].map((brand) => [brand, () => state.brands.delete(brand)]),
      ...(state.category === null ? [] : [[state.category.name, () => (state.category = null)]]),
      ...(state.price === null ? [] : [[`price ${state.price.from ?? '0'}–${state.price.to ?? '∞'}`, () => (state.price = null)]]),
    ].map(([label, remove]) => {
      const chip = element('button', { className: 'chip', text: `${label} ✕`, attributes: { type: 'button', 'aria-label': `Remove filter ${label}` } });
      chip.addEventListener('click', () => {
        remove();
        restart();
      });
      return chip;
    });
    byId('active-filters').replaceChildren(...chips);
  }

  async function suggest(prefix, generation) {
    if (prefix.trim() === '' || generation !== suggestionGeneration) {
      closeSuggestions();
      return;
    }
    try {
      const { data } = await graphql(SUGGEST_QUERY, { prefix });
      if (generation !== suggestionGeneration || input.value !== prefix || document.activeElement !== input) return;
      const items = data.suggestProducts.map(({ text, product }) => {
        const option = element('li', { className: 'suggestion', attributes: { role: 'option', 'data-product-id': product.id } }, [
          element('span', { text: product.name }),
          element('span', { className: 'suggestion-brand', text: product.brand }),
        ]);
        option.addEventListener('mousedown', (event) => {
          event.preventDefault();
          input.value = text === product.brand ? product.brand : product.name;
          closeSuggestions();
          state.query = input.value.trim();
          restart();
        });
        return option;
      });
      suggestions.replaceChildren(...items);
      suggestions.hidden = items.length === 0;
      input.setAttribute('aria-expanded', String(items.length > 0));
    } catch {
      closeSuggestions();
    }
  }

  function closeSuggestions() {
    suggestionGeneration += 1;
    suggestions.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  const suggestSoon = debounce((prefix, generation) => void suggest(prefix, generation), 120);
  const searchSoon = debounce(() => {
    // Enter may already have searched for exactly this text.
    if (input.value.trim() === state.query) return;
    state.query = input.value.trim();
    restart();
  }, 300);

  input.addEventListener('input', () => {
    suggestionGeneration += 1;
    suggestSoon(input.value, suggestionGeneration);
    searchSoon();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeSuggestions();
  });
  input.addEventListener('blur', closeSuggestions);
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    closeSuggestions();
    state.query = input.value.trim();
    restart();
  });
  byId('sort').addEventListener('change', (event) => {
    state.sort = event.target.value;
    restart();
  });
  byId('in-stock').addEventListener('change', (event) => {
    state.inStock = event.target.checked;
    restart();
  });
  byId('next-page').addEventListener('click', (event) => {
    state.cursors.push(event.currentTarget.dataset.cursor);
    void run();
  });
  byId('prev-page').addEventListener('click', () => {
    if (state.cursors.length > 1) state.cursors.pop();
    void run();
  });

  return { run };
}
