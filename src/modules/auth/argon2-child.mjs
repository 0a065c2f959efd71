// The password-hashing process: the only code that runs argon2. The parent (hashing-process.ts)
// starts it at a lower CPU priority, so a burst of logins cannot take the cores that the request
// path (token checks, queries) needs; it has its own thread pool, apart from the server's.
import process from 'node:process';
import argon2 from 'argon2';

async function run(request) {
  if (request.op === 'hash') return argon2.hash(request.password, { type: argon2.argon2id, ...request.params });
  // A malformed stored hash is a wrong password, not an error.
  return argon2.verify(request.hash, request.password).catch(() => false);
}

process.on('message', (request) => {
  run(request).then(
    (value) => process.send({ id: request.id, ok: true, value }),
    (error) => process.send({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
