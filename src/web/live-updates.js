import { storedApiKey } from './graphql-client.js';

/**
 * Live updates of the products on screen over graphql-ws (the graphql-transport-ws protocol, spoken
 * directly: the page has no build step to bundle a client). One connection; `watch(ids)` replaces
 * the subscription with one for the products now shown. When the gateway ends a subscription (the
 * page fell behind, or the gateway lost its change stream) or the connection drops, the page
 * refetches what it shows (`onResync`) and subscribes again, so it never keeps showing a value it
 * may have missed a change of.
 */
const CHANGES = `subscription LiveProducts($ids: [ID!]) { productChanged(ids: $ids) { id kind version row { price stock } } }`;

export function createLiveUpdates({ onChange, onResync, onStatus }) {
  let socket = null;
  let ready = false;
  let watched = [];
  let operation = 0;
  let retryDelayMs = 500;

  function send(message) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function subscribe() {
    if (!ready) return;
    if (operation > 0) send({ id: String(operation), type: 'complete' });
    operation += 1;
    if (watched.length > 0) send({ id: String(operation), type: 'subscribe', payload: { query: CHANGES, variables: { ids: watched } } });
  }

  function connect() {
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
    socket = new WebSocket(url, 'graphql-transport-ws');
    ready = false;
    onStatus('connecting');
    socket.addEventListener('open', () => {
      const key = storedApiKey();
      send({ type: 'connection_init', payload: key === '' ? {} : { 'x-api-key': key } });
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'connection_ack') {
        ready = true;
        retryDelayMs = 500;
        onStatus('live');
        subscribe();
      } else if (message.type === 'ping') {
        send({ type: 'pong' });
      } else if (message.type === 'next' && message.id === String(operation)) {
        const change = message.payload.data?.productChanged;
        if (change != null) onChange(change);
        // SUBSCRIPTION_OVERFLOW / SUBSCRIPTION_INTERRUPTED: events were missed and the subscription
        // ends; refetch what is shown and subscribe again (forgetting the ids makes watch() resubscribe).
        if (message.payload.errors?.length > 0) {
          watched = [];
          onResync();
        }
      } else if (message.type === 'error' && message.id === String(operation)) {
        onStatus('error');
      }
    });
    socket.addEventListener('close', () => {
      ready = false;
      onStatus('reconnecting');
      setTimeout(() => {
        connect();
        onResync();
      }, retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, 10_000);
    });
  }

  connect();
  return {
    watch(ids) {
      const next = [...new Set(ids)].slice(0, 100);
      if (next.length === watched.length && next.every((id, index) => id === watched[index])) return;
      watched = next;
      subscribe();
    },
  };
}
