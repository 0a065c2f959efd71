import type { Config } from './config.js';

/** Settings that weaken a secure default; each is logged as a warning at start. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.production && config.graphiql) warnings.push('GRAPHIQL=on exposes the GraphiQL IDE in production');
  if (config.registrationOpen) warnings.push('REGISTRATION=open: anyone can create an account');
  if (!config.production && !config.masterKey) {
    warnings.push('MASTER_KEY is unset: a key generated under DATA_DIR encrypts signing keys (development only)');
  }
  if (config.production && !config.tls && config.trustProxy.length === 0) {
    warnings.push('production without TLS_CERT_FILE or TRUST_PROXY: traffic may travel unencrypted');
  }
  if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1' && !config.production) {
    warnings.push(`listening on ${config.host} in ${config.nodeEnv} mode: development defaults are reachable from the network`);
  }
  return warnings;
}
