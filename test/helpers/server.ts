import { listen, type ListenOptions, type RunningServer } from '../../src/server.js';
import { createTestApp, type TestApp, type TestAppOptions } from './app.js';

export interface TestServer extends TestApp {
  readonly running: RunningServer;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
}

/** The test app served over a real socket on a free port (127.0.0.1:0). */
export async function startTestServer(options: TestAppOptions & { listen?: Partial<ListenOptions> } = {}): Promise<TestServer> {
  const testApp = await createTestApp(options);
  const running = await listen(testApp.app, { config: testApp.config, logger: testApp.log.logger, port: 0, ...options.listen });
  return {
    ...testApp,
    running,
    url: running.url,
    close: async () => {
      await running.close();
      await testApp.close();
    },
  };
}
