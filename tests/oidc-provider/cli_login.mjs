// signInWithCode (login.mjs) from the command line, for tests written in other languages:
//
//   node cli_login.mjs --url AUTHORIZATION_URL --login ACCOUNT [--ca PEM_FILE]
//
// Prints the redirect Location the provider ends the sign-in with (the client's redirect_uri with
// code and state) on one line and exits 0; prints the error on stderr and exits 1 otherwise.
import { parseArgs } from 'node:util';

import { signInWithCode } from './login.mjs';

const { values } = parseArgs({
  options: { url: { type: 'string' }, login: { type: 'string' }, ca: { type: 'string' } },
  strict: true,
});
if (!values.url || !values.login) {
  process.stderr.write('usage: node cli_login.mjs --url AUTHORIZATION_URL --login ACCOUNT [--ca PEM_FILE]\n');
  process.exit(2);
}
try {
  const location = await signInWithCode({
    authorizationUrl: values.url, login: values.login, caFile: values.ca,
  });
  process.stdout.write(`${location}\n`);
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}
