import { byId } from './dom.js';
import { createEarningsView } from './earnings-view.js';
import { storeApiKey, storedApiKey } from './graphql-client.js';
import { createSearchView } from './search-view.js';

/** How fresh the last answer was, from the gateway's freshness extension. */
function showFreshness(freshness) {
  if (freshness === undefined) return;
  const consumer = freshness.consumer;
  const lag = consumer === null ? 'consumer not in this process' : `consumer lag ${consumer.lagMessages ?? '?'} messages, last change applied ${consumer.freshnessLagMs ?? '?'} ms after commit`;
  byId('freshness').textContent = `Answered with ${freshness.cacheHits} cache hits and ${freshness.cacheMisses} misses · ${lag}`;
}

function switchTo(view) {
  for (const tab of document.querySelectorAll('.tab')) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
  byId('search-view').hidden = view !== 'search';
  byId('earnings-view').hidden = view !== 'earnings';
}

const apiKey = byId('api-key');
apiKey.value = storedApiKey();
apiKey.addEventListener('change', () => storeApiKey(apiKey.value.trim()));
for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => switchTo(tab.dataset.view));

const search = createSearchView({ onFreshness: showFreshness });
createEarningsView({ onFreshness: showFreshness });
void search.run();
