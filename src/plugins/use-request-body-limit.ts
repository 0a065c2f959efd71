import type { Plugin } from 'graphql-yoga';
import { badRequest } from '../errors.js';

export interface RequestBodyLimitOptions {
  /** Cap for every body but multipart uploads (CONTRACT.md §5). @default 1 MiB */
  maxBodyBytes: number;
  /** Cap for a multipart (file upload) body: the model size limit, plus room for its form fields. */
  maxMultipartBytes: number;
}

const tooLarge = () => badRequest('Request body too large.', 413);

/** The size of a parsed request without its uploaded files. */
function nonFileSize(params: unknown): number {
  return JSON.stringify(params, (_key, value: unknown) => (value instanceof Blob ? null : value))?.length ?? 0;
}

/**
 * Yoga's body cap with one difference: a multipart upload may be as large as a model may be.
 * It counts bytes as they stream in and stops reading at the cap; a declared Content-Length over
 * the cap is refused before any byte is read. Runs after yoga's request parsers are chosen.
 */
export function useRequestBodyLimit(options: RequestBodyLimitOptions): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext }) {
      const multipart = (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
      const limit = multipart ? options.maxMultipartBytes : options.maxBodyBytes;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // One non-negative integer only: anything else (lists, signs) is a smuggling attempt.
        if (!/^\d+$/.test(declared)) throw badRequest('Content-Length header is invalid.');
        if (Number(declared) > limit) throw tooLarge();
      }
      if (!requestParser || !request.body) return;
      // Node's HTTP parser never delivers more than a declared Content-Length, so a plain body
      // within the cap that came over a socket needs no counting: the stream wrapper costs about
      // a third of a small request. (Requests built in-process, as tests do, are still counted.)
      const overSocket = Boolean((serverContext as { req?: unknown } | undefined)?.req);
      if (overSocket && declared !== null && !multipart) return;
      const parse = requestParser;
      setRequestParser((req) => {
        let read = 0;
        const body = req.body!.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        const limited = new Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body, duplex: 'half' } as RequestInit);
        // A parser reports a broken stream in its own words (multipart: "invalid multipart
        // data", 400); when the cap broke it, the answer is the cap's.
        return Promise.resolve(parse(limited)).then(
          (params) => {
            // Only the files of a multipart request may use the larger cap: the operation and
            // its other variables are held to the ordinary one.
            if (multipart && nonFileSize(params) > options.maxBodyBytes) throw tooLarge();
            return params;
          },
          (error: unknown) => {
            throw read > limit ? tooLarge() : error;
          },
        );
      });
    },
  };
}
