/**
 * Reserved npm script. Kept so the user-facing script names are stable; it says plainly that the
 * command does not exist yet instead of failing with a missing-file error.
 */
console.error('npm run bench: not available in this version of the gateway yet (see the open issues).');
process.exit(2);
