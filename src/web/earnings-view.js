import { byId, element, showError } from './dom.js';
import { EARNINGS_QUERY, graphql } from './graphql-client.js';

/** A user's earnings: the summary aggregation and the latest records (role `personal` required). */
export function createEarningsView({ onFreshness }) {
  async function show(userId) {
    const result = byId('earnings-result');
    try {
      const { data, extensions } = await graphql(EARNINGS_QUERY, { userId });
      showError(byId('earnings-error'), null);
      const summary = data.earningsSummary;
      byId('earnings-title').textContent = data.user === null ? `User ${userId} (unknown)` : `${data.user.name} · ${data.user.level}`;
      byId('earnings-total').textContent = summary.total;
      byId('earnings-pending').textContent = summary.pending;
      byId('earnings-settled').textContent = summary.settled;
      byId('earnings-cancelled').textContent = summary.cancelled;
      byId('earnings-breakdown').replaceChildren(
        ...summary.breakdown.map((row) => element('tr', {}, [row.type, row.status, String(row.count), row.amount].map((text) => element('td', { text })))),
      );
      byId('earnings-records').replaceChildren(
        ...data.earnings.nodes.map((record) => element('li', { text: `${record.createdAt.slice(0, 10)} · ${record.type} · ${record.status} · ${record.amount}` })),
      );
      result.hidden = false;
      onFreshness(extensions.freshness);
    } catch (error) {
      result.hidden = true;
      showError(byId('earnings-error'), error);
    }
  }

  byId('earnings-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void show(byId('earnings-user').value.trim());
  });
  return { show };
}
