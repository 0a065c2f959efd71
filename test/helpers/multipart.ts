/**
 * A GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec) for one
 * file variable, with the CSRF header uploads must carry.
 */
export function multipartRequest(
  query: string,
  variables: Record<string, unknown>,
  file: { variable: string; bytes: Uint8Array; name?: string },
  headers: Record<string, string> = {},
): Request {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables: { ...variables, [file.variable]: null } }));
  form.set('map', JSON.stringify({ 0: [`variables.${file.variable}`] }));
  form.set('0', new File([new Uint8Array(file.bytes)], file.name ?? 'model.onnx', { type: 'application/octet-stream' }));
  return new Request('http://localhost/graphql', {
    method: 'POST',
    headers: { 'x-graphql-csrf': '1', accept: 'application/graphql-response+json', ...headers },
    body: form,
  });
}

export const CREATE_MODEL = /* GraphQL */ `
  mutation Upload($input: CreateModelInput!, $file: File!) {
    createModel(input: $input, file: $file) { id name version sha256 featureCount maxBatchSize }
  }
`;
