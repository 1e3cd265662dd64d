export { groupCaughtUp, waitForGroupCaughtUp } from '../../src/sync/consumer-lag.js';
